// read_file's reach outside the workspace: inside an eligible skill's folder, and through
// no path or link that leaves it.
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { resolveReadablePath } from './readable-path.js';
import { ToolError } from './tool.js';

let root: string;
let workspace: string;
let skill: string;

async function refusal(path: string, dirs = [skill]): Promise<string | undefined> {
  try {
    await resolveReadablePath(workspace, path, dirs);
    return undefined;
  } catch (error) {
    if (error instanceof ToolError) return error.code;
    throw error;
  }
}

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'clawdbot-readable-')));
  workspace = join(root, 'workspace');
  skill = join(root, 'skills', 'notes');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(join(skill, 'references'), { recursive: true });
  writeFileSync(join(skill, 'SKILL.md'), '# notes\n');
  writeFileSync(join(skill, 'references', 'api.md'), '# api\n');
  writeFileSync(join(root, 'skills', 'secret.txt'), 'no\n');
  writeFileSync(join(workspace, 'a.txt'), 'a\n');
});

describe('resolveReadablePath', () => {
  it('reads the workspace and the files of an eligible skill', async () => {
    expect(await resolveReadablePath(workspace, 'a.txt', [skill])).toBe(join(workspace, 'a.txt'));
    expect(await resolveReadablePath(workspace, join(skill, 'SKILL.md'), [skill])).toBe(
      join(skill, 'SKILL.md'),
    );
    expect(await resolveReadablePath(workspace, join(skill, 'references/api.md'), [skill])).toBe(
      join(skill, 'references', 'api.md'),
    );
  });

  it('refuses a sibling of the skill folder, a .. escape, and a link out of it', async () => {
    expect(await refusal(join(root, 'skills', 'secret.txt'))).toBe('PATH_OUTSIDE_WORKSPACE');
    expect(await refusal(join(skill, '..', 'secret.txt'))).toBe('PATH_OUTSIDE_WORKSPACE');
    symlinkSync(join(root, 'skills', 'secret.txt'), join(skill, 'link.txt'));
    expect(await refusal(join(skill, 'link.txt'))).toBe('PATH_OUTSIDE_WORKSPACE');
  });

  it('refuses a skill folder that is not eligible (not in the list)', async () => {
    expect(await refusal(join(skill, 'SKILL.md'), [])).toBe('PATH_OUTSIDE_WORKSPACE');
  });
});
