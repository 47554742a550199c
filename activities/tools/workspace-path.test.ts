import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ToolError } from './tool.js';
import { resolveWorkspacePath } from './workspace-path.js';

let base: string;
let workspace: string;
let outside: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'clawdbot-path-')));
  workspace = join(base, 'workspace');
  outside = join(base, 'outside');
  await mkdir(join(workspace, 'sub'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), 'secret');
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function refusal(userPath: string): Promise<ToolError> {
  const error: unknown = await resolveWorkspacePath(workspace, userPath).catch(
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ToolError);
  return error as ToolError;
}

describe('resolveWorkspacePath', () => {
  it('resolves relative paths, existing or not', async () => {
    expect(await resolveWorkspacePath(workspace, 'sub')).toBe(join(workspace, 'sub'));
    expect(await resolveWorkspacePath(workspace, 'new/deeper/file.txt')).toBe(
      join(workspace, 'new/deeper/file.txt'),
    );
    expect(await resolveWorkspacePath(workspace, '.')).toBe(workspace);
    expect(await resolveWorkspacePath(workspace, 'sub/../a.txt')).toBe(join(workspace, 'a.txt'));
  });

  it('accepts absolute paths inside the workspace', async () => {
    expect(await resolveWorkspacePath(workspace, join(workspace, 'sub/x'))).toBe(
      join(workspace, 'sub/x'),
    );
  });

  it('refuses .. traversal, naming the path', async () => {
    const error = await refusal('../outside/secret.txt');
    expect(error.code).toBe('PATH_OUTSIDE_WORKSPACE');
    expect(error.message).toContain('"../outside/secret.txt"');
    expect((await refusal('sub/../../outside')).code).toBe('PATH_OUTSIDE_WORKSPACE');
  });

  it('refuses absolute paths outside the workspace', async () => {
    expect((await refusal('/etc/passwd')).code).toBe('PATH_OUTSIDE_WORKSPACE');
    expect((await refusal(join(outside, 'new.txt'))).code).toBe('PATH_OUTSIDE_WORKSPACE');
  });

  it('refuses a symlinked file pointing outside', async () => {
    await symlink(join(outside, 'secret.txt'), join(workspace, 'link.txt'));
    const error = await refusal('link.txt');
    expect(error.code).toBe('PATH_OUTSIDE_WORKSPACE');
    expect(error.message).toContain('symbolic link');
  });

  it('refuses paths under a symlinked directory pointing outside, existing or not', async () => {
    await symlink(outside, join(workspace, 'sub', 'out'));
    expect((await refusal('sub/out/secret.txt')).code).toBe('PATH_OUTSIDE_WORKSPACE');
    expect((await refusal('sub/out/not/yet.txt')).code).toBe('PATH_OUTSIDE_WORKSPACE');
  });

  it('refuses a dangling symlink whose target would be outside', async () => {
    await symlink(join(outside, 'missing.txt'), join(workspace, 'dangling'));
    expect((await refusal('dangling')).code).toBe('PATH_OUTSIDE_WORKSPACE');
  });

  it('follows symlinks that stay inside the workspace', async () => {
    await symlink(join(workspace, 'sub'), join(workspace, 'alias'));
    expect(await resolveWorkspacePath(workspace, 'alias/f.txt')).toBe(join(workspace, 'sub/f.txt'));
  });

  it('accepts a workspace reached through a symlink', async () => {
    const linked = join(base, 'linked-workspace');
    await symlink(workspace, linked);
    expect(await resolveWorkspacePath(linked, join(linked, 'sub'))).toBe(join(workspace, 'sub'));
    expect(await resolveWorkspacePath(linked, 'sub')).toBe(join(workspace, 'sub'));
  });

  it('refuses symlink loops and null bytes', async () => {
    await symlink(join(workspace, 'loop-b'), join(workspace, 'loop-a'));
    await symlink(join(workspace, 'loop-a'), join(workspace, 'loop-b'));
    expect((await refusal('loop-a/x')).code).toBe('INVALID_PATH');
    expect((await refusal('a\0b')).code).toBe('INVALID_PATH');
  });
});
