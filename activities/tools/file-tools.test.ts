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
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editFileTool } from './edit-file.js';
import { readFileTool } from './read-file.js';
import { runTool, type ToolContext, type ToolDefinition } from './tool.js';
import { writeFileTool } from './write-file.js';

let base: string;
let workspace: string;
let outside: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'clawdbot-files-')));
  workspace = join(base, 'workspace');
  outside = join(base, 'outside');
  await mkdir(workspace);
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), 'secret');
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

function call(tool: ToolDefinition, args: unknown) {
  const context: ToolContext = {
    workspaceDir: workspace,
    sessionKey: 'test',
    runId: 'run-1',
    toolCallId: 'call-1',
    signal: new AbortController().signal,
    heartbeat: () => {},
  };
  return runTool(tool, args, context);
}

describe('read_file', () => {
  it('returns the text of a file', async () => {
    await writeFile(join(workspace, 'a.txt'), 'one\ntwo\nthree\n');
    expect(await call(readFileTool, { path: 'a.txt' })).toMatchObject({
      text: 'one\ntwo\nthree',
      details: { startLine: 1, endLine: 3, truncated: false },
    });
  });

  it('reads a window with offset and limit, saying where to continue', async () => {
    await writeFile(join(workspace, 'a.txt'), 'one\ntwo\nthree\nfour\n');
    const result = await call(readFileTool, { path: 'a.txt', offset: 2, limit: 2 });
    expect(result.text).toBe(
      'two\nthree\n\n[Showing lines 2-3; more follow. Use offset=4 to continue.]',
    );
    expect(result.details).toMatchObject({ truncated: true });
  });

  it('caps a long file at 2000 lines by default', async () => {
    const lines = Array.from({ length: 2500 }, (_, index) => `line ${index + 1}`);
    await writeFile(join(workspace, 'long.txt'), lines.join('\n'));
    const result = await call(readFileTool, { path: 'long.txt' });
    expect(result.text).toContain('line 2000\n\n[Showing lines 1-2000');
    expect(result.text).not.toContain('line 2001');
  });

  it('caps output at 256 KiB', async () => {
    const line = 'x'.repeat(1000);
    await writeFile(
      join(workspace, 'wide.txt'),
      Array.from({ length: 500 }, () => line).join('\n'),
    );
    const result = await call(readFileTool, { path: 'wide.txt' });
    expect(result.text).toMatch(/\[Output capped at 256 KiB: showing lines 1-261\. Use offset=262/);
  });

  it('refuses binary, missing and directory paths, and offsets past the end', async () => {
    await writeFile(join(workspace, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
    await writeFile(join(workspace, 'short.txt'), 'only\n');
    await mkdir(join(workspace, 'dir'));
    expect(await call(readFileTool, { path: 'image.png' })).toMatchObject({
      isError: true,
      text: 'image.png is a binary file; read_file only reads text.',
    });
    expect(await call(readFileTool, { path: 'nope.txt' })).toMatchObject({
      isError: true,
      text: 'File not found: nope.txt',
    });
    expect(await call(readFileTool, { path: 'dir' })).toMatchObject({
      isError: true,
      text: 'dir is a directory, not a file.',
    });
    expect(await call(readFileTool, { path: 'short.txt', offset: 5 })).toMatchObject({
      isError: true,
      text: 'offset 5 is past the end of short.txt (1 lines).',
    });
  });

  it('says so when a file is empty', async () => {
    await writeFile(join(workspace, 'empty.txt'), '');
    expect((await call(readFileTool, { path: 'empty.txt' })).text).toBe('(empty file)');
  });

  it('refuses files reached through a symlink pointing outside', async () => {
    await symlink(join(outside, 'secret.txt'), join(workspace, 'link.txt'));
    const result = await call(readFileTool, { path: 'link.txt' });
    expect(result).toMatchObject({ isError: true, details: { code: 'PATH_OUTSIDE_WORKSPACE' } });
    expect(result.text).not.toContain('secret\n');
  });
});

describe('write_file', () => {
  it('creates parent directories and reports the bytes written', async () => {
    const result = await call(writeFileTool, { path: 'a/b/c.txt', content: 'héllo' });
    expect(result).toEqual({
      text: 'Wrote 6 bytes to a/b/c.txt.',
      details: { path: 'a/b/c.txt', bytes: 6 },
    });
    expect(await readFile(join(workspace, 'a/b/c.txt'), 'utf8')).toBe('héllo');
  });

  it('overwrites atomically, keeps the mode and leaves no temp file', async () => {
    const file = join(workspace, 'run.sh');
    await writeFile(file, 'old');
    await chmod(file, 0o755);
    expect((await call(writeFileTool, { path: 'run.sh', content: 'new' })).isError).toBeUndefined();
    expect(await readFile(file, 'utf8')).toBe('new');
    expect((await stat(file)).mode & 0o777).toBe(0o755);
    expect(await readdir(workspace)).toEqual(['run.sh']);
  });

  it('gives the same result when repeated', async () => {
    const first = await call(writeFileTool, { path: 'x.txt', content: 'same' });
    expect(await call(writeFileTool, { path: 'x.txt', content: 'same' })).toEqual(first);
  });

  it.each([
    ['.. traversal', '../outside/new.txt'],
    ['an absolute path', '/PLACEHOLDER/outside/new.txt'],
    ['a symlinked file', 'link.txt'],
    ['a symlinked directory', 'linkdir/new.txt'],
    ['a symlinked directory, deeper', 'linkdir/deep/new.txt'],
  ])('refuses to write outside via %s', async (_how, path) => {
    await symlink(join(outside, 'secret.txt'), join(workspace, 'link.txt'));
    await symlink(outside, join(workspace, 'linkdir'));
    const result = await call(writeFileTool, {
      path: path.replace('/PLACEHOLDER', base),
      content: 'pwned',
    });
    expect(result).toMatchObject({ isError: true, details: { code: 'PATH_OUTSIDE_WORKSPACE' } });
    expect(await readdir(outside)).toEqual(['secret.txt']);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('requires content', async () => {
    const result = await call(writeFileTool, { path: 'x.txt' });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/- content: /);
  });
});

describe('edit_file', () => {
  const file = () => join(workspace, 'code.ts');

  it('replaces a unique match', async () => {
    await writeFile(file(), 'const a = 1;\nconst b = 2;\n');
    const result = await call(editFileTool, {
      path: 'code.ts',
      oldText: 'b = 2',
      newText: 'b = $& 3',
    });
    expect(result).toMatchObject({ text: 'Replaced 1 occurrence in code.ts.' });
    expect(await readFile(file(), 'utf8')).toBe('const a = 1;\nconst b = $& 3;\n');
  });

  it('fails when oldText is missing', async () => {
    await writeFile(file(), 'const a = 1;\n');
    expect(
      await call(editFileTool, { path: 'code.ts', oldText: 'zzz', newText: 'y' }),
    ).toMatchObject({
      isError: true,
      text: 'oldText not found in code.ts.',
      details: { code: 'TEXT_NOT_FOUND' },
    });
  });

  it('fails when oldText is ambiguous, unless replaceAll', async () => {
    await writeFile(file(), 'x x x');
    expect(await call(editFileTool, { path: 'code.ts', oldText: 'x', newText: 'y' })).toMatchObject(
      {
        isError: true,
        text: 'oldText occurs 3 times in code.ts; add context or set replaceAll.',
      },
    );
    expect(await readFile(file(), 'utf8')).toBe('x x x');
    expect(
      await call(editFileTool, { path: 'code.ts', oldText: 'x', newText: 'y', replaceAll: true }),
    ).toMatchObject({
      text: 'Replaced 3 occurrences in code.ts.',
    });
    expect(await readFile(file(), 'utf8')).toBe('y y y');
  });

  it('treats a repeated edit as already applied', async () => {
    await writeFile(file(), 'let a = 1;\n');
    const args = { path: 'code.ts', oldText: 'a = 1', newText: 'a = 2' };
    expect((await call(editFileTool, args)).isError).toBeUndefined();
    expect(await call(editFileTool, args)).toMatchObject({ details: { alreadyApplied: true } });
    expect(await readFile(file(), 'utf8')).toBe('let a = 2;\n');
  });

  it('does not apply twice when newText contains oldText', async () => {
    await writeFile(file(), 'f(a);\n');
    const args = { path: 'code.ts', oldText: 'f(a', newText: 'f(a, b' };
    await call(editFileTool, args);
    expect(await call(editFileTool, args)).toMatchObject({ details: { alreadyApplied: true } });
    expect(await readFile(file(), 'utf8')).toBe('f(a, b);\n');
  });

  it('edits a CRLF file given the LF text read_file shows', async () => {
    await writeFile(file(), 'one\r\ntwo\r\nthree\r\n');
    expect((await call(readFileTool, { path: 'code.ts' })).text).toBe('one\ntwo\nthree');
    const args = { path: 'code.ts', oldText: 'one\ntwo', newText: 'one\n1.5\ntwo' };
    expect(await call(editFileTool, args)).toMatchObject({
      text: 'Replaced 1 occurrence in code.ts.',
    });
    expect(await readFile(file(), 'utf8')).toBe('one\r\n1.5\r\ntwo\r\nthree\r\n');
    expect(await call(editFileTool, args)).toMatchObject({ details: { alreadyApplied: true } });
  });

  it('refuses files outside the workspace and missing files', async () => {
    await symlink(join(outside, 'secret.txt'), join(workspace, 'link.txt'));
    expect(
      await call(editFileTool, { path: 'link.txt', oldText: 'secret', newText: 'x' }),
    ).toMatchObject({
      details: { code: 'PATH_OUTSIDE_WORKSPACE' },
    });
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
    expect(await call(editFileTool, { path: 'nope.ts', oldText: 'a', newText: 'b' })).toMatchObject(
      {
        details: { code: 'FILE_NOT_FOUND' },
      },
    );
  });
});
