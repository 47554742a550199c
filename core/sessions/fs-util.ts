/** Small file-system primitives the session store is built on. */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Whether `error` is a Node system error with this `code` (ENOENT, EEXIST, ...). */
export function hasErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/**
 * One version of a file, as far as a cache needs to know: a file replaced by a rename or a
 * link is another inode, one written in place has another size or mtime.
 */
export interface FileVersion {
  ino: number;
  size: number;
  mtimeMs: number;
}

/** Whether two stats describe the same version of a file. */
export function sameVersion(a: FileVersion, b: FileVersion): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** Write `data` to a fresh temp file beside `path`, fsynced if asked; its name and version. */
async function writeTemp(
  path: string,
  data: string,
  fsync: boolean,
): Promise<{ temp: string; version: FileVersion }> {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let file;
  try {
    // Owner-only: these files hold conversations and credentials (pairing, allowFrom).
    file = await open(temp, 'wx', 0o600);
  } catch (error) {
    if (!hasErrorCode(error, 'ENOENT')) throw error;
    await mkdir(dirname(path), { recursive: true });
    file = await open(temp, 'wx', 0o600);
  }
  try {
    await file.writeFile(data);
    // Without this a crash soon after the rename can leave an empty file on some
    // file systems (rename is ordered before the data reaches the disk).
    if (fsync) await file.datasync();
    // A rename or link keeps inode, size and mtime: this is the version `path` will have.
    const { ino, size, mtimeMs } = await file.stat();
    await file.close();
    return { temp, version: { ino, size, mtimeMs } };
  } catch (error) {
    await file.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Replace `path` with `data` atomically: readers see the old or the new file, never a mix.
 * Returns the version written.
 */
export async function writeFileAtomic(
  path: string,
  data: string,
  fsync: boolean,
): Promise<FileVersion> {
  const { temp, version } = await writeTemp(path, data, fsync);
  try {
    await rename(temp, path);
    return version;
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Create `path` holding `data` unless it exists: the version written, or undefined if it
 * existed. Hard-linking a complete
 * temp file (instead of `open(path, 'wx')` then writing) means no other process can
 * ever read the file half-written. Needs a file system with hard links (any POSIX one).
 */
export async function createFileExclusive(
  path: string,
  data: string,
  fsync: boolean,
): Promise<FileVersion | undefined> {
  const { temp, version } = await writeTemp(path, data, fsync);
  try {
    await link(temp, path);
    return version;
  } catch (error) {
    if (hasErrorCode(error, 'EEXIST')) return undefined;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** fsync a directory so a file created in it survives a power loss; a no-op where unsupported. */
export async function fsyncDirectory(path: string): Promise<void> {
  try {
    const directory = await open(path, 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  } catch {
    // Windows cannot open or sync directories; the file data itself is already synced.
  }
}

/** Runs tasks one at a time per key (in this process), in call order. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Run `task` after every earlier task of `key` has settled. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release = (): void => undefined;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      // Drop the entry once nobody queued behind us, so the map does not grow per key.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
