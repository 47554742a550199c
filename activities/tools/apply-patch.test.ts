import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPatchTool } from './apply-patch.js';
import { runTool, type ToolContext } from './tool.js';

let base: string;
let workspace: string;
let outside: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'clawdbot-patch-')));
  workspace = join(base, 'workspace');
  outside = join(base, 'outside');
  await mkdir(workspace);
  await mkdir(outside);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

function apply(patch: string) {
  const context: ToolContext = {
    workspaceDir: workspace,
    sessionKey: 'test',
    runId: 'run-1',
    toolCallId: 'call-1',
    signal: new AbortController().signal,
    heartbeat: () => {},
  };
  return runTool(applyPatchTool, { patch }, context);
}

async function put(files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(workspace, path, '..'), { recursive: true });
    await writeFile(join(workspace, path), content);
  }
}

const read = (path: string) => readFile(join(workspace, path), 'utf8');

/** Every file under a directory with its exact bytes, to prove nothing changed. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name);
    files[relative(dir, path)] = entry.isFile() ? (await readFile(path)).toString('base64') : 'dir';
  }
  return files;
}

const patch = (...lines: string[]) => ['*** Begin Patch', ...lines, '*** End Patch'].join('\n');

describe('apply_patch', () => {
  it('adds, updates, moves and deletes files in one patch, listing each', async () => {
    await put({
      'src/app.py': 'import os\n\ndef greet():\n    print("hi")\n',
      'old.txt': 'bye\n',
      'a.txt': 'one\ntwo\n',
    });
    const result = await apply(
      patch(
        '*** Add File: docs/new.md',
        '+# Title',
        '+',
        '+body',
        '*** Update File: src/app.py',
        '@@ def greet():',
        '-    print("hi")',
        '+    print("hello")',
        '*** Update File: a.txt',
        '*** Move to: b/renamed.txt',
        ' one',
        '-two',
        '+2',
        '*** Delete File: old.txt',
      ),
    );
    expect(result.isError).toBeUndefined();
    expect(result.text).toBe(
      'Applied the patch (4 files):\nA docs/new.md\nM src/app.py\nR a.txt -> b/renamed.txt\nD old.txt',
    );
    expect(await read('docs/new.md')).toBe('# Title\n\nbody\n');
    expect(await read('src/app.py')).toBe('import os\n\ndef greet():\n    print("hello")\n');
    expect(await read('b/renamed.txt')).toBe('one\n2\n');
    await expect(stat(join(workspace, 'a.txt'))).rejects.toThrow();
    await expect(stat(join(workspace, 'old.txt'))).rejects.toThrow();
  });

  it('applies several hunks to one file, each after the previous', async () => {
    const lines = Array.from({ length: 30 }, (_, index) => `line ${index + 1}`);
    await put({ 'f.txt': `${lines.join('\n')}\n` });
    const result = await apply(
      patch(
        '*** Update File: f.txt',
        '@@',
        ' line 2',
        '-line 3',
        '+LINE 3',
        ' line 4',
        '@@ line 20',
        ' line 21',
        '-line 22',
        '+LINE 22a',
        '+LINE 22b',
      ),
    );
    expect(result.text).toContain('M f.txt');
    const expected = [...lines];
    expected.splice(21, 1, 'LINE 22a', 'LINE 22b');
    expected[2] = 'LINE 3';
    expect(await read('f.txt')).toBe(`${expected.join('\n')}\n`);
  });

  it('writes nothing when a hunk of a later file does not match, naming the file and hunk', async () => {
    await put({ 'a.txt': 'alpha\nbeta\n', 'b.txt': 'one\ntwo\nthree\n', 'c.txt': 'gone?\n' });
    const before = await snapshot(workspace);
    const result = await apply(
      patch(
        '*** Update File: a.txt',
        '-alpha',
        '+ALPHA',
        '*** Update File: b.txt',
        '@@',
        ' one',
        '-two',
        '+2',
        '@@',
        ' three',
        '-four',
        '+4',
        '*** Delete File: c.txt',
        '*** Add File: d.txt',
        '+new',
      ),
    );
    expect(result).toMatchObject({
      isError: true,
      details: { code: 'PATCH_CONFLICT', path: 'b.txt', hunk: 2, firstLine: 'three' },
    });
    expect(result.text).toMatch(
      /^Hunk 2 of b\.txt \(patch line \d+, first line "three"\) does not apply/,
    );
    expect(result.text).toContain('Nothing was changed');
    expect(await snapshot(workspace)).toEqual(before);
  });

  it.each([
    ['a relative path with ..', '../escape.txt'],
    ['an absolute path outside', '/tmp/clawdbot-escape.txt'],
    ['a path through a symlinked directory', 'link/escape.txt'],
  ])('refuses %s and writes nothing', async (_name, path) => {
    await symlink(outside, join(workspace, 'link'));
    await put({ 'a.txt': 'a\n' });
    const before = await snapshot(workspace);
    const result = await apply(
      patch('*** Update File: a.txt', '-a', '+b', `*** Add File: ${path}`, '+x'),
    );
    expect(result).toMatchObject({ isError: true, details: { code: 'PATH_OUTSIDE_WORKSPACE' } });
    expect(await snapshot(workspace)).toEqual(before);
    expect(await readdir(outside)).toEqual([]);
    await expect(stat('/tmp/clawdbot-escape.txt')).rejects.toThrow();
  });

  it('reports an already applied patch as done and changes nothing', async () => {
    await put({ 'a.txt': 'f(a)\nrest\n', 'gone.txt': 'x\n' });
    const text = patch(
      '*** Update File: a.txt',
      '-f(a)',
      '+f(a)',
      '+g(b)',
      ' rest',
      '*** Delete File: gone.txt',
      '*** Add File: new.txt',
      '+hi',
    );
    expect((await apply(text)).text).toContain('Applied the patch (3 files)');
    const after = await snapshot(workspace);
    const again = await apply(text);
    expect(again).toMatchObject({ details: { alreadyApplied: true } });
    expect(again.isError).toBeUndefined();
    expect(again.text).toMatch(/already applied/);
    expect(await snapshot(workspace)).toEqual(after);
  });

  it('fails a half-applied patch rather than calling it applied', async () => {
    await put({ 'a.txt': 'one\n', 'b.txt': 'two\n' });
    const text = patch(
      '*** Update File: a.txt',
      '-one',
      '+ONE',
      '*** Update File: b.txt',
      '-two',
      '+TWO',
    );
    await put({ 'a.txt': 'ONE\n' }); // a.txt changed by hand, b.txt not
    expect(await apply(text)).toMatchObject({
      isError: true,
      details: { code: 'PATCH_CONFLICT', path: 'a.txt' },
    });
  });

  it('rolls back the files already written when a later write fails', async () => {
    await put({ 'a.txt': 'one\n' });
    await chmod(join(workspace, 'a.txt'), 0o754);
    const before = await snapshot(workspace);
    // A 250-character name is valid, but its temp file name is too long: the third write fails.
    const long = `${'x'.repeat(246)}.txt`;
    const result = await apply(
      patch(
        '*** Update File: a.txt',
        '-one',
        '+ONE',
        '*** Add File: new/dir/b.txt',
        '+b',
        `*** Add File: ${long}`,
        '+c',
      ),
    );
    expect(result).toMatchObject({ isError: true, details: { code: 'INVALID_PATH' } });
    expect(result.text).toContain('the files written before it were restored');
    expect(await snapshot(workspace)).toEqual(before);
    expect((await stat(join(workspace, 'a.txt'))).mode & 0o777).toBe(0o754);
  });

  it('applies a plain unified diff: change, add, delete, rename', async () => {
    await put({ 'a.txt': 'one\ntwo\nthree\n', 'del.txt': 'bye\n', 'old.txt': 'same\n' });
    const diff = [
      'diff --git a/a.txt b/a.txt',
      '--- a/a.txt',
      '+++ b/a.txt',
      '@@ -1,3 +1,3 @@',
      ' one',
      '-two',
      '+TWO',
      ' three',
      '--- /dev/null',
      '+++ b/added.txt',
      '@@ -0,0 +1,2 @@',
      '+first',
      '+second',
      '--- a/del.txt',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-bye',
      'diff --git a/old.txt b/new.txt',
      'similarity index 100%',
      'rename from old.txt',
      'rename to new.txt',
    ].join('\n');
    const result = await apply(diff);
    expect(result.text).toBe(
      'Applied the patch (4 files):\nM a.txt\nA added.txt\nD del.txt\nR old.txt -> new.txt',
    );
    expect(await read('a.txt')).toBe('one\nTWO\nthree\n');
    expect(await read('added.txt')).toBe('first\nsecond\n');
    expect(await read('new.txt')).toBe('same\n');
    await expect(stat(join(workspace, 'del.txt'))).rejects.toThrow();
  });

  it('keeps CRLF line ends and tolerates differences in trailing whitespace', async () => {
    await put({ 'win.txt': 'a  \r\nb\r\nc\r\n' });
    await apply(patch('*** Update File: win.txt', ' a', '-b', '+B', ' c'));
    expect(await read('win.txt')).toBe('a  \r\nB\r\nc\r\n');
  });

  it('refuses to add a file that exists with other content, and to delete a symlink', async () => {
    await put({ 'a.txt': 'mine\n' });
    await symlink(join(workspace, 'a.txt'), join(workspace, 'link.txt'));
    expect(await apply(patch('*** Add File: a.txt', '+yours'))).toMatchObject({
      details: { code: 'FILE_EXISTS' },
    });
    expect(await apply(patch('*** Delete File: link.txt'))).toMatchObject({
      details: { code: 'NOT_A_FILE' },
    });
    expect(await read('a.txt')).toBe('mine\n');
  });

  it('explains a malformed patch by line', async () => {
    const missingEnd = await apply('*** Begin Patch\n*** Add File: a.txt\n+x');
    expect(missingEnd).toMatchObject({ isError: true, details: { code: 'INVALID_PATCH' } });
    expect(missingEnd.text).toContain('*** End Patch');
    const badLine = await apply(patch('*** Update File: a.txt', '@@', '~oops'));
    expect(badLine.text).toMatch(/^Invalid patch, line 4: a hunk line starts with/);
  });
});
