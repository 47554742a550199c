import { watch, type FSWatcher } from 'node:fs';
import { memoryRoots } from './sources.js';
import { dirname } from 'node:path';

/** A running watch of the memory files. */
export interface MemoryWatch {
  close(): void;
}

/** What to watch and whom to tell. */
export interface MemoryWatchOptions {
  workspaceDir: string;
  extraPaths: readonly string[];
  debounceMs: number;
  /** Called once per burst of changes, `debounceMs` after the last one. */
  onChange: () => void;
}

/**
 * Watch MEMORY.md, memory/ and memory.extraPaths, calling `onChange` once a burst of
 * edits settles (an editor's save is several events; an agent's writes come in runs).
 * A root that does not exist yet is watched through its parent until it appears.
 */
export function watchMemoryFiles(options: MemoryWatchOptions): MemoryWatch {
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const changed = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      attach();
      options.onChange();
    }, options.debounceMs);
    timer.unref();
  };
  const add = (path: string, recursive: boolean) => {
    if (watchers.has(path)) return;
    try {
      const watcher = watch(path, { recursive, persistent: false }, changed);
      watcher.on('error', () => {
        watcher.close();
        watchers.delete(path);
      });
      watchers.set(path, watcher);
    } catch {
      // Missing: its parent's watch notices when it is created.
    }
  };
  const attach = () => {
    for (const root of memoryRoots(options.workspaceDir, options.extraPaths)) {
      add(dirname(root), false);
      add(root, true);
    }
  };
  attach();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
