import { randomUUID } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ToolError } from './tool.js';

/** How much of a file's start is scanned for NUL bytes to call it binary (git's heuristic). */
export const BINARY_SNIFF_BYTES = 8192;

/** Whether a file's first bytes look binary. */
export function looksBinary(head: Uint8Array): boolean {
  return head.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

type ErrnoMapping = (path: string, error: Error) => ToolError;

const notADirectory: ErrnoMapping = (path) =>
  new ToolError('NOT_A_DIRECTORY', `A parent of ${path} is a file, not a directory.`, { path });
const permissionDenied: ErrnoMapping = (path) =>
  new ToolError('PERMISSION_DENIED', `Permission denied: ${path}`, { path });
const invalidPath: ErrnoMapping = (path, error) =>
  new ToolError('INVALID_PATH', `Invalid path ${path}: ${error.message}`, { path });

/** The errno codes a retry cannot fix but the model can (another path, another approach). */
const errnoMappings: Partial<Record<string, ErrnoMapping>> = {
  ENOENT: (path) => new ToolError('FILE_NOT_FOUND', `File not found: ${path}`, { path }),
  EISDIR: (path) => new ToolError('NOT_A_FILE', `${path} is a directory, not a file.`, { path }),
  ENOTDIR: notADirectory,
  EEXIST: notADirectory,
  EACCES: permissionDenied,
  EPERM: permissionDenied,
  EROFS: permissionDenied,
  ENOSPC: (path) =>
    new ToolError('DISK_FULL', `No space left on the device for ${path}.`, { path }),
  ENAMETOOLONG: invalidPath,
  ELOOP: invalidPath,
};

/**
 * A file-system error as a ToolError when the model can act on it (wrong path, no
 * permission, disk full); other errors are returned unchanged so the activity retries them.
 */
export function fileToolError(error: unknown, path: string): unknown {
  if (!(error instanceof Error) || error instanceof ToolError) return error;
  const mapping = errnoMappings[(error as NodeJS.ErrnoException).code ?? ''];
  return mapping === undefined ? error : mapping(path, error);
}

/** Refuse anything but an existing regular file (a FIFO would block the read forever). */
export async function statRegularFile(file: string, path: string): Promise<{ size: number }> {
  const stats = await stat(file);
  if (!stats.isFile()) {
    const what = stats.isDirectory() ? 'a directory, not a file' : 'not a regular file';
    throw new ToolError('NOT_A_FILE', `${path} is ${what}.`, { path });
  }
  return stats;
}

/** Read a whole text file of at most `maxBytes`, refusing binary files. */
export async function readTextFile(file: string, path: string, maxBytes: number): Promise<string> {
  const { size } = await statRegularFile(file, path);
  if (size > maxBytes) {
    throw new ToolError('FILE_TOO_LARGE', `${path} is ${size} bytes; the limit is ${maxBytes}.`, {
      path,
      size,
    });
  }
  const content = await readFile(file);
  if (looksBinary(content)) {
    throw new ToolError('BINARY_FILE', `${path} is a binary file, not text.`, { path });
  }
  return content.toString('utf8');
}

/**
 * Replace `file` with `content` so readers see the old or the new file, never half of one,
 * even across a crash: write a temp file beside it, fsync, rename over. Keeps the old mode
 * (so a script stays executable).
 */
export async function atomicWriteFile(file: string, content: string): Promise<void> {
  const mode = await stat(file).then(
    (stats) => stats.mode & 0o7777,
    () => undefined,
  );
  const temp = join(dirname(file), `.${basename(file)}.${randomUUID().slice(0, 8)}.tmp`);
  try {
    const handle = await open(temp, 'wx', mode ?? 0o666);
    try {
      await handle.writeFile(content, 'utf8');
      if (mode !== undefined) await handle.chmod(mode); // open's mode is filtered by the umask
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
