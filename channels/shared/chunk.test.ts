import { describe, expect, it } from 'vitest';
import { chunkFormatted, chunkText } from './chunk.js';
import { markdownToSlackMrkdwn } from './markdown-slack.js';
import { markdownToTelegramHtml } from './markdown-telegram.js';

/** The text with all whitespace and the given fence lines removed: what must survive a split. */
function essence(text: string, fences: string[] = []): string {
  let result = text;
  for (const fence of fences) result = result.split(fence).join('');
  return result.replace(/\s+/g, '');
}

/** Whether every fence in `chunk` is closed (an even number of ``` lines). */
function fencesBalanced(chunk: string): boolean {
  return chunk.split('\n').filter((line) => /^\s*```/.test(line)).length % 2 === 0;
}

const sentence = (n: number) => `This is sentence number ${n} of a long reply.`;
const paragraph = (from: number, count: number) =>
  Array.from({ length: count }, (_, index) => sentence(from + index)).join(' ');

describe('chunkText', () => {
  it('returns short text as one chunk and empty text as none', () => {
    expect(chunkText('Hello there', 4000)).toEqual(['Hello there']);
    expect(chunkText('\n\n  Hello\n\n', 4000)).toEqual(['  Hello']);
    expect(chunkText('   \n\n', 10)).toEqual([]);
  });

  it('splits between paragraphs first', () => {
    const paragraphs = [paragraph(0, 4), paragraph(4, 4), paragraph(8, 4)];
    const text = paragraphs.join('\n\n');
    const chunks = chunkText(text, paragraphs[0]!.length + paragraphs[1]!.length + 2);
    expect(chunks).toEqual([`${paragraphs[0]}\n\n${paragraphs[1]}`, paragraphs[2]]);
  });

  it('splits at a line break when a paragraph is too long', () => {
    const lines = Array.from({ length: 10 }, (_, index) => `- item ${index} ${'x'.repeat(20)}`);
    const chunks = chunkText(lines.join('\n'), 100);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(100);
      for (const line of chunk.split('\n')) expect(lines).toContain(line);
    }
    expect(chunks.join('\n')).toBe(lines.join('\n'));
  });

  it('splits after a sentence when a line is too long', () => {
    const text = paragraph(0, 10);
    const chunks = chunkText(text, 120);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(120);
      expect(chunk).toMatch(/\.$/);
    }
    expect(chunks.join(' ')).toBe(text);
  });

  it('splits between words when a sentence is too long, and hard when there are none', () => {
    const words = Array.from({ length: 50 }, (_, index) => `word${index}`).join(' ');
    const chunks = chunkText(words, 37);
    for (const chunk of chunks) expect(chunk).toMatch(/^word\d+( word\d+)*$/);
    expect(chunks.join(' ')).toBe(words);
    const blob = 'a'.repeat(95);
    expect(chunkText(blob, 40)).toEqual(['a'.repeat(40), 'a'.repeat(40), 'a'.repeat(15)]);
  });

  it('never cuts a surrogate pair in half', () => {
    const emoji = '😀'.repeat(30);
    const chunks = chunkText(emoji, 7);
    for (const chunk of chunks) expect(chunk).not.toMatch(/[\ud800-\udbff]$/);
    expect(chunks.join('')).toBe(emoji);
  });

  it('keeps a code block whole when it can, splitting before it', () => {
    const code = '```ts\n' + 'const a = 1; // comment\n'.repeat(10) + '```';
    const text = `${paragraph(0, 3)}\n${code}\nAfter the code.`;
    const chunks = chunkText(text, code.length + 20);
    expect(chunks.some((chunk) => chunk.includes(code))).toBe(true);
    for (const chunk of chunks) expect(fencesBalanced(chunk)).toBe(true);
    expect(essence(chunks.join(''))).toBe(essence(text));
  });

  it('does not split at boundaries inside a code block when it can avoid it', () => {
    const code = '```\nline one\n\nline two. And more words here\n```';
    const text = `Intro paragraph.\n\n${code}\n\nOutro.`;
    const chunks = chunkText(text, code.length + 5);
    expect(chunks).toEqual(['Intro paragraph.', code, 'Outro.']);
  });

  it('closes and reopens the fence, with its language, when a code block alone is too long', () => {
    const body = Array.from({ length: 200 }, (_, index) => `print(${index})`).join('\n');
    const text = `Here is the script:\n\n\`\`\`python\n${body}\n\`\`\`\n\nDone.`;
    const chunks = chunkText(text, 500);
    expect(chunks.length).toBeGreaterThan(3);
    for (const [index, chunk] of chunks.entries()) {
      expect(chunk.length).toBeLessThanOrEqual(500);
      expect(fencesBalanced(chunk)).toBe(true);
      if (index > 0 && index < chunks.length - 1) expect(chunk).toMatch(/^```python\n/);
    }
    expect(chunks[0]).toBe('Here is the script:');
    expect(chunks.at(-1)).toMatch(/\n```\n\nDone\.$/);
    expect(essence(chunks.join('\n'), ['```python', '```'])).toBe(
      essence(text, ['```python', '```']),
    );
    // Lines of code stay whole: every print(n) appears exactly once, in order.
    const printed = chunks.join('\n').match(/print\(\d+\)/g) ?? [];
    expect(printed).toEqual(body.split('\n'));
  });

  it('cuts a single overlong code line hard but keeps the fences', () => {
    const text = '```\n' + 'x'.repeat(300) + '\n```';
    const chunks = chunkText(text, 100);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(100);
      expect(chunk).toMatch(/^```\n[x]+\n```$/);
    }
    expect(chunks.join('').replace(/[`\n]/g, '')).toBe('x'.repeat(300));
  });

  it('reopens tilde and indented fences as they were written', () => {
    const body = Array.from({ length: 40 }, (_, index) => `   step ${index}`).join('\n');
    const text = `1. Run:\n   ~~~~sh\n${body}\n   ~~~~`;
    const chunks = chunkText(text, 120);
    for (const chunk of chunks.slice(1)) expect(chunk.startsWith('   ~~~~sh\n')).toBe(true);
    for (const chunk of chunks.slice(1)) expect(chunk.endsWith('\n   ~~~~')).toBe(true);
  });

  it('treats an unclosed fence as code to the end', () => {
    const text = 'Start\n```js\n' + 'let x = 0;\n'.repeat(30);
    const chunks = chunkText(text, 80);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(80);
    for (const chunk of chunks.slice(1, -1)) expect(chunk).toMatch(/^```js\n[\s\S]*\n```$/);
  });

  it('loses no text and keeps order in a long mixed reply', () => {
    const parts: string[] = [];
    for (let index = 0; index < 40; index += 1) {
      parts.push(`## Section ${index}`, paragraph(index * 5, 5));
      if (index % 7 === 0) parts.push('```bash\n' + `echo ${index}\n`.repeat(30) + '```');
      if (index % 5 === 0) parts.push(`- a\n- b ${'long '.repeat(100)}\n- c`);
    }
    const text = parts.join('\n\n');
    for (const limit of [2000, 4000, 333]) {
      const chunks = chunkText(text, limit);
      for (const chunk of chunks) {
        expect(chunk.length).toBeLessThanOrEqual(limit);
        expect(fencesBalanced(chunk)).toBe(true);
      }
      expect(essence(chunks.join(''), ['```bash', '```'])).toBe(essence(text, ['```bash', '```']));
    }
  });

  it('keeps every chunk within the limit and loses nothing, for any input and limit', () => {
    const pieces = [
      'word',
      ' ',
      '\n',
      '\n\n',
      '```\n',
      '\n```\n',
      'End. ',
      'x'.repeat(30),
      '- item\n',
      '😀',
      '<&>',
      '**b**',
      '  indented\n',
      '~~~\n',
      '\r\n',
      '```\r\n',
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    // Fences are added where code is split; whitespace may move at boundaries.
    const kept = (text: string) => text.replace(/[`~\s]/g, '');
    for (let sample = 0; sample < 800; sample += 1) {
      const count = 1 + Math.floor(random() * 80);
      const text = Array.from(
        { length: count },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join('');
      const limit = 1 + Math.floor(random() * 120);
      const chunks = chunkText(text, limit);
      for (const chunk of chunks)
        expect(chunk.length, JSON.stringify(text)).toBeLessThanOrEqual(limit);
      expect(kept(chunks.join('')), JSON.stringify({ text, limit })).toBe(kept(text));
      const formattedLimit = Math.max(limit, 10);
      for (const chunk of chunkFormatted(text, formattedLimit, markdownToTelegramHtml)) {
        expect(chunk.text.length).toBeLessThanOrEqual(formattedLimit);
      }
    }
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => chunkText('x', 0)).toThrow(RangeError);
    expect(() => chunkText('x', 1.5)).toThrow(RangeError);
  });
});

describe('chunkFormatted', () => {
  // A 9,000-character reply as a model writes one: prose, markup that HTML escaping grows,
  // lists and a code block.
  const reply = (() => {
    const parts: string[] = [];
    let index = 0;
    while (parts.join('\n\n').length < 9000) {
      parts.push(
        `**Point ${index}**: compare a < b && b > c, see [docs](https://example.com/${index}).`,
      );
      parts.push(paragraph(index, 3));
      if (index % 4 === 0)
        parts.push('```ts\n' + 'if (a < b && c > d) run();\n'.repeat(12) + '```');
      index += 1;
    }
    return parts.join('\n\n').slice(0, 9000).trimEnd() + '\n```';
  })();

  it.each([
    ['Telegram', 4000, markdownToTelegramHtml],
    ['Discord', 2000, (markdown: string) => markdown],
    ['Slack', 4000, markdownToSlackMrkdwn],
  ])('keeps a 9,000-character reply within the %s limit (%i)', (_name, limit, format) => {
    const chunks = chunkFormatted(reply, limit, format);
    expect(chunks.length).toBeGreaterThanOrEqual(Math.ceil(9000 / limit));
    for (const chunk of chunks) {
      expect(chunk.formatted).toBe(true);
      expect(chunk.text.length).toBeLessThanOrEqual(limit);
      // The Markdown kept for a plain-text resend is the piece's own, and fits too.
      expect(format(chunk.markdown)).toBe(chunk.text);
      expect(chunk.markdown.length).toBeLessThanOrEqual(limit);
    }
  });

  it('re-splits a chunk that grows past the limit when formatted', () => {
    const text = '<&>'.repeat(100);
    const grow = (markdown: string) => markdown.replace(/[<>&]/g, '&amp;');
    const chunks = chunkFormatted(text, 100, grow);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(100);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(grow(text));
  });

  it('falls back to plain text for a piece that cannot fit formatted', () => {
    expect(chunkFormatted('<', 3, (markdown) => `[${markdown}]`.repeat(2))).toEqual([
      { text: '<', formatted: false, markdown: '<' },
    ]);
  });
});
