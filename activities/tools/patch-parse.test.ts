import { describe, expect, it } from 'vitest';
import { applyHunks, hunksApplied } from './patch-hunks.js';
import { parsePatch, type PatchHunk } from './patch-parse.js';
import { ToolError } from './tool.js';

function hunksOf(text: string): PatchHunk[] {
  const [file] = parsePatch(text);
  if (file?.kind !== 'update') throw new Error('expected an update');
  return file.hunks;
}

describe('parsePatch (envelope)', () => {
  it('reads add, delete, update with move, anchors and end-of-file hunks', () => {
    const files = parsePatch(
      [
        '*** Begin Patch',
        '*** Add File: a.txt',
        '+one',
        '+',
        '*** Delete File: b.txt',
        '*** Update File: c.txt',
        '*** Move to: d.txt',
        ' keep',
        '-old',
        '+new',
        '',
        '@@ class C:',
        '-x',
        '+y',
        '*** End of File',
        '*** End Patch',
      ].join('\n'),
    );
    expect(files).toEqual([
      { kind: 'add', path: 'a.txt', content: 'one\n\n' },
      { kind: 'delete', path: 'b.txt' },
      {
        kind: 'update',
        path: 'c.txt',
        moveTo: 'd.txt',
        hunks: [
          {
            number: 1,
            patchLine: 8,
            oldLines: ['keep', 'old'],
            newLines: ['keep', 'new'],
            contextOf: [0, undefined],
            atEndOfFile: false,
          },
          {
            number: 2,
            patchLine: 12,
            anchor: 'class C:',
            oldLines: ['x'],
            newLines: ['y'],
            contextOf: [undefined],
            atEndOfFile: true,
          },
        ],
      },
    ]);
  });

  it('accepts a patch wrapped in a heredoc or a code fence, with CRLF line ends', () => {
    const body = ['*** Begin Patch', '*** Delete File: x', '*** End Patch'];
    const expected = [{ kind: 'delete', path: 'x' }];
    expect(parsePatch(['<<EOF', ...body, 'EOF'].join('\n'))).toEqual(expected);
    expect(parsePatch(['```diff', ...body, '```'].join('\r\n'))).toEqual(expected);
  });

  it.each([
    ['no begin marker', 'hello', /line 1: a patch starts with/],
    ['no end marker', '*** Begin Patch\n*** Delete File: x', /End Patch/],
    [
      'an unknown header',
      '*** Begin Patch\n*** Rename File: x\n*** End Patch',
      /line 2: expected "\*\*\* Add File/,
    ],
    [
      'an update without hunks',
      '*** Begin Patch\n*** Update File: x\n*** End Patch',
      /has no hunks/,
    ],
    [
      'an add line without +',
      '*** Begin Patch\n*** Add File: x\nplain\n*** End Patch',
      /line 3: every line of an added file/,
    ],
    ['an empty patch', '*** Begin Patch\n*** End Patch', /changes no file/],
  ])('rejects %s with the line', (_name, text, message) => {
    expect(() => parsePatch(text)).toThrow(ToolError);
    expect(() => parsePatch(text)).toThrow(message);
  });
});

describe('parsePatch (unified diff)', () => {
  it('keeps line numbers as hints and strips a/ b/ prefixes and timestamps', () => {
    const files = parsePatch(
      [
        '--- a/x.c\t2024-01-01',
        '+++ b/x.c\t2024-01-02',
        '@@ -10,2 +10,2 @@ int main()',
        ' a',
        '-b',
        '+c',
        '@@ -20,0 +21 @@',
        '+added',
      ].join('\n'),
    );
    expect(files).toMatchObject([
      {
        kind: 'update',
        path: 'x.c',
        hunks: [
          { hintIndex: 9, oldLines: ['a', 'b'] },
          { hintIndex: 20, oldLines: [] },
        ],
      },
    ]);
  });

  it('does not take the blank line between two files as context', () => {
    const files = parsePatch(
      [
        '--- a/x',
        '+++ b/x',
        '@@ -1 +1 @@',
        '-a',
        '+b',
        '',
        '--- a/y',
        '+++ b/y',
        '@@ -1 +1 @@',
        '-c',
        '+d',
      ].join('\n'),
    );
    expect(files.map((file) => (file.kind === 'update' ? file.hunks[0]!.oldLines : []))).toEqual([
      ['a'],
      ['c'],
    ]);
  });
});

describe('applyHunks', () => {
  const update = (...lines: string[]) =>
    ['*** Begin Patch', '*** Update File: f', ...lines, '*** End Patch'].join('\n');

  it('takes the match nearest the unified line number when the old lines occur twice', () => {
    const text = 'x\nsame\nx\nx\nsame\n';
    const hunks = hunksOf(['--- a/f', '+++ b/f', '@@ -5 +5 @@', '-same', '+changed'].join('\n'));
    expect(applyHunks(text, hunks)).toBe('x\nsame\nx\nx\nchanged\n');
  });

  it('inserts pure additions after their anchor, or at the end', () => {
    expect(applyHunks('a\nb\nc\n', hunksOf(update('@@ a', '+after a')))).toBe('a\nafter a\nb\nc\n');
    expect(applyHunks('a\nb\n', hunksOf(update('@@', '+tail')))).toBe('a\nb\ntail\n');
  });

  it('matches an end-of-file hunk only at the end', () => {
    expect(applyHunks('x\ny\nx\n', hunksOf(update('@@', '-x', '+z', '*** End of File')))).toBe(
      'x\ny\nz\n',
    );
  });

  it('matches typographic quotes and dashes the model normalised, keeping the file text', () => {
    expect(
      applyHunks('say(“hi”) – ok\nnext\n', hunksOf(update(' say("hi") - ok', '-next', '+NEXT'))),
    ).toBe('say(“hi”) – ok\nNEXT\n');
  });

  it('reports the first hunk that does not match, and its anchor when that is missing', () => {
    const mismatch = applyHunks('a\n', hunksOf(update('@@ nowhere', '-a', '+b')));
    expect(mismatch).toMatchObject({ hunk: { number: 1 } });
    expect(typeof mismatch === 'string' ? mismatch : mismatch.reason).toContain(
      '"@@ nowhere" was not found',
    );
  });

  it('keeps a file without a final newline that way', () => {
    expect(applyHunks('a\nb', hunksOf(update('-b', '+c')))).toBe('a\nc');
  });
});

describe('hunksApplied', () => {
  const hunks = hunksOf(
    [
      '*** Begin Patch',
      '*** Update File: f',
      ' keep',
      '-old',
      '+new',
      '+more',
      '*** End Patch',
    ].join('\n'),
  );

  it('is true once the new lines are there and the old ones gone', () => {
    expect(hunksApplied('keep\nold\n', hunks)).toBe(false);
    expect(hunksApplied('keep\nnew\nmore\n', hunks)).toBe(true);
  });

  it('is false when the old lines are still there elsewhere', () => {
    expect(hunksApplied('keep\nnew\nmore\nkeep\nold\n', hunks)).toBe(false);
  });

  it('sees a pure addition with context as applied when the added line follows the context', () => {
    const addition = hunksOf(
      ['*** Begin Patch', '*** Update File: f', ' a', '+b', '*** End Patch'].join('\n'),
    );
    expect(hunksApplied('a\nc\n', addition)).toBe(false);
    expect(hunksApplied('a\nb\nc\n', addition)).toBe(true);
  });
});
