import { readlink, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ToolError } from './tool.js';

/** Linux gives up after 40 symbolic links in one lookup (ELOOP); so do we. */
const MAX_SYMLINK_HOPS = 40;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

async function readlinkOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readlink(path);
  } catch {
    return undefined; // not a symlink, or gone
  }
}

/**
 * The real path of `path` even when its last components do not exist yet: realpath of the
 * deepest existing ancestor, plus the missing names. A dangling symlink on the way is
 * followed by hand, so a file created through it is checked where it would really land.
 */
async function realpathAllowMissing(path: string, userPath: string): Promise<string> {
  const missing: string[] = [];
  let current = path;
  let hops = 0;
  for (;;) {
    try {
      return join(await realpath(current), ...missing.reverse());
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ELOOP' || hops > MAX_SYMLINK_HOPS) {
        throw new ToolError('INVALID_PATH', `Path "${userPath}" has a symbolic link loop.`);
      }
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const target = await readlinkOrUndefined(current);
      if (target !== undefined) {
        hops += 1;
        current = resolve(dirname(current), target);
        continue;
      }
      const parent = dirname(current);
      if (parent === current) throw error;
      missing.push(basename(current));
      current = parent;
    }
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Resolve a path given by the model to an absolute real path inside the workspace, or refuse
 * with PATH_OUTSIDE_WORKSPACE: `..` escapes, absolute paths elsewhere, and symlinks (of the
 * file or any ancestor) that lead out. Not-yet-existing files are checked via their deepest
 * existing ancestor. Callers must use the returned path, not the one they passed in.
 */
export async function resolveWorkspacePath(
  workspaceDir: string,
  userPath: string,
): Promise<string> {
  if (userPath.includes('\0')) {
    throw new ToolError('INVALID_PATH', `Path ${JSON.stringify(userPath)} contains a null byte.`);
  }
  const root = await realpath(workspaceDir);
  // `..` is collapsed lexically here; symlinks are then resolved on the collapsed path, and
  // that (checked) path is the one the tool uses, so the two readings cannot diverge.
  const lexical = resolve(workspaceDir, userPath);
  const real = await realpathAllowMissing(lexical, userPath);
  if (!isInside(root, real)) {
    const lexicallyInside = isInside(resolve(workspaceDir), lexical) || isInside(root, lexical);
    const via = lexicallyInside ? ` (it leads to ${real} through a symbolic link)` : '';
    throw new ToolError(
      'PATH_OUTSIDE_WORKSPACE',
      `Path "${userPath}" is outside the workspace ${root}${via}. ` +
        'Only files inside the workspace can be used; give a path relative to it.',
      { path: userPath },
    );
  }
  return real;
}
