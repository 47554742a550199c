import { describe, expect, it } from 'vitest';
import { chunkMarkdown, estimateTokens } from './chunker.js';

const paragraph = (word: string, count: number) => Array(count).fill(word).join(' ');

describe('chunkMarkdown', () => {
  it('starts a chunk at each heading and records the heading trail and line range', () => {
    const text = [
      '# People',
      '',
      'Alice likes tea.',
      '',
      '## Bob',
      'Bob rides a bicycle.',
      '',
      '# Projects',
      'ClawdBot ships soon.',
    ].join('\n');
    const chunks = chunkMarkdown(text, { tokens: 400, overlap: 80 });
    expect(chunks.map((chunk) => [chunk.startLine, chunk.endLine, chunk.headings])).toEqual([
      [1, 3, ['People']],
      [5, 6, ['People', 'Bob']],
      [8, 9, ['Projects']],
    ]);
    expect(chunks[0]!.text).toBe('# People\n\nAlice likes tea.');
  });

  it('packs paragraphs up to the size and overlaps the next chunk', () => {
    const lines = Array.from({ length: 20 }, (_, index) => paragraph(`w${index}`, 20));
    const chunks = chunkMarkdown(lines.join('\n'), { tokens: 100, overlap: 30 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(estimateTokens(chunk.text)).toBeLessThanOrEqual(100);
    for (let index = 1; index < chunks.length; index++) {
      // Each chunk repeats the previous one's last line(s).
      expect(chunks[index]!.startLine).toBeLessThanOrEqual(chunks[index - 1]!.endLine);
    }
    expect(chunks[chunks.length - 1]!.endLine).toBe(20);
  });

  it('never treats a # inside a code fence as a heading, and cuts a huge line', () => {
    const text = ['# Code', '```sh', '# not a heading', 'echo hi', '```', 'x'.repeat(5000)].join(
      '\n',
    );
    const chunks = chunkMarkdown(text, { tokens: 400, overlap: 0 });
    expect(chunks.every((chunk) => chunk.headings.join() === 'Code')).toBe(true);
    expect(chunks.filter((chunk) => chunk.startLine === 6).length).toBe(4);
  });

  it('gives unchanged text the same hash', () => {
    const first = chunkMarkdown('# A\none\n\n# B\ntwo', { tokens: 400, overlap: 80 });
    const second = chunkMarkdown('# A\none changed\n\n# B\ntwo', { tokens: 400, overlap: 80 });
    expect(first[1]!.hash).toBe(second[1]!.hash);
    expect(first[0]!.hash).not.toBe(second[0]!.hash);
  });
});
