import { chmod, mkdir, rm, rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { atomicWriteFile, fileToolError } from './file-io.js';
import { ToolError } from './tool.js';

/** One file's planned change: content before (undefined: absent) and after (undefined: deleted). */
export interface FileChange {
  /** Real absolute path (checked to be inside the workspace). */
  file: string;
  /** The path as the patch named it, for messages. */
  path: string;
  before: string | undefined;
  after: string | undefined;
  /** Permission bits before the change, to restore a deleted file as it was. */
  mode: number | undefined;
}

interface Done {
  change: FileChange;
  /** The first directory mkdir created for this file, removed again on rollback. */
  createdDir: string | undefined;
}

/** Remove the directories made for a file, deepest first, as long as they are empty. */
async function removeCreatedDirs(file: string, createdDir: string): Promise<void> {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      return; // not empty (someone else's file) or already gone
    }
    if (dir === createdDir || dirname(dir) === dir) return;
  }
}

/** Undo completed changes, newest first; returns the paths that could not be restored. */
async function rollBack(done: Done[]): Promise<string[]> {
  const unrestored: string[] = [];
  for (const { change, createdDir } of [...done].reverse()) {
    try {
      if (change.before === undefined) {
        await rm(change.file, { force: true });
      } else {
        await atomicWriteFile(change.file, change.before);
        if (change.mode !== undefined) await chmod(change.file, change.mode);
      }
      if (createdDir !== undefined) await removeCreatedDirs(change.file, createdDir);
    } catch {
      unrestored.push(change.path);
    }
  }
  return unrestored;
}

function commitError(error: unknown, failed: FileChange, unrestored: string[]): unknown {
  const mapped = fileToolError(error, failed.path);
  if (unrestored.length > 0) {
    const why = mapped instanceof Error ? mapped.message : String(mapped);
    return new ToolError(
      'ROLLBACK_FAILED',
      `Changing ${failed.path} failed (${why}), and restoring the files changed before it failed ` +
        `too: ${unrestored.join(', ')} may be left changed. Check them before trying again.`,
      { path: failed.path, unrestored },
    );
  }
  if (!(mapped instanceof ToolError)) return mapped; // the activity retries; nothing is changed
  const message = `${mapped.message} Nothing was changed: the files written before it were restored.`;
  return new ToolError(mapped.code, message, mapped.details);
}

/**
 * Write every change so that it lands completely or not at all: each file is replaced
 * atomically (temp file + rename); deletions go last, since they are the hardest to undo by
 * hand. If anything fails, the files already changed are put back from the contents in memory.
 */
export async function commitChanges(changes: FileChange[]): Promise<void> {
  const writes = changes.filter((change) => change.after !== undefined);
  const deletes = changes.filter(
    (change) => change.after === undefined && change.before !== undefined,
  );
  const done: Done[] = [];
  let current: FileChange | undefined;
  try {
    for (const change of writes) {
      current = change;
      const createdDir = await mkdir(dirname(change.file), { recursive: true });
      // Recorded before the write: a failed write leaves the file as it was, so restoring it
      // is harmless, and the directories just created must go either way.
      done.push({ change, createdDir });
      await atomicWriteFile(change.file, change.after!);
    }
    for (const change of deletes) {
      current = change;
      await rm(change.file);
      done.push({ change, createdDir: undefined });
    }
  } catch (error) {
    const unrestored = await rollBack(done);
    throw commitError(error, current!, unrestored);
  }
}
