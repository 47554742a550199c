import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLinesBackward, readLinesForward } from './lines.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clawdbot-lines-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(
  content: string,
  chunkBytes: number,
): Promise<{ forward: string[]; backward: string[] }> {
  const path = join(dir, 'file');
  await writeFile(path, content);
  const file = await open(path, 'r');
  try {
    const forward: string[] = [];
    for await (const line of readLinesForward(file, chunkBytes)) {
      expect(Buffer.from(content).subarray(line.start).toString().startsWith(line.text)).toBe(true);
      forward.push(line.text);
    }
    const backward: string[] = [];
    const { size } = await file.stat();
    for await (const line of readLinesBackward(file, size, chunkBytes)) {
      expect(Buffer.from(content).subarray(line.start).toString().startsWith(line.text)).toBe(true);
      backward.push(line.text);
    }
    return { forward, backward };
  } finally {
    await file.close();
  }
}

describe('line readers', () => {
  // Tiny chunks force lines and multi-byte characters to straddle chunk boundaries.
  it.each([1, 2, 3, 7, 64])('agree with split() at chunk size %i', async (chunkBytes) => {
    const lines = ['first', 'ünïcödé 🦞 line', 'x'.repeat(50), '', 'last unterminated'];
    const content = lines.join('\n');
    const expected = lines.filter((line) => line !== '');
    const { forward, backward } = await collect(content, chunkBytes);
    expect(forward).toEqual(expected);
    expect(backward).toEqual([...expected].reverse());
  });

  it('handles empty files and trailing newlines', async () => {
    expect(await collect('', 4)).toEqual({ forward: [], backward: [] });
    expect(await collect('a\nb\n', 4)).toEqual({ forward: ['a', 'b'], backward: ['b', 'a'] });
  });
});
