import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ToolError } from './tool.js';
import { resolveWorkspacePath } from './workspace-path.js';

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

async function realOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch {
    return undefined;
  }
}

/**
 * A path read_file may read: inside the workspace, or inside the folder of an eligible
 * skill (its SKILL.md, scripts and references live outside the workspace, and the prompt
 * tells the model to read them). Both sides are compared as real paths, so a symlink in a
 * skill folder that leads elsewhere is refused like one in the workspace. Only reading
 * goes through here: the write tools keep using resolveWorkspacePath.
 */
export async function resolveReadablePath(
  workspaceDir: string,
  userPath: string,
  skillDirs: readonly string[],
): Promise<string> {
  try {
    return await resolveWorkspacePath(workspaceDir, userPath);
  } catch (error) {
    if (!(error instanceof ToolError) || error.code !== 'PATH_OUTSIDE_WORKSPACE') throw error;
    if (skillDirs.length === 0) throw error;
    const real = await realOrUndefined(resolve(workspaceDir, userPath));
    if (real === undefined) throw error;
    for (const dir of skillDirs) {
      const root = await realOrUndefined(dir);
      if (root !== undefined && isInside(root, real)) return real;
    }
    throw error;
  }
}
