import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** A Markdown file whose chunks belong in the index. */
export interface MemoryFile {
  /** As stored and shown: relative to the workspace when inside it, else absolute. */
  path: string;
  absolutePath: string;
  mtimeMs: number;
  size: number;
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

async function markdownUnder(dir: string, into: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.')) await markdownUnder(path, into);
    } else if (entry.isFile() && entry.name.toLowerCase().endsWith('.md')) {
      into.push(path);
    }
  }
}

function displayPath(workspaceDir: string, absolutePath: string): string {
  const rel = relative(workspaceDir, absolutePath);
  const inside = rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
  return inside ? rel.split(sep).join('/') : absolutePath;
}

/** The roots that hold memory: MEMORY.md, memory/, and memory.extraPaths. */
export function memoryRoots(workspaceDir: string, extraPaths: readonly string[]): string[] {
  return [
    join(workspaceDir, 'MEMORY.md'),
    join(workspaceDir, 'memory'),
    ...extraPaths.map((path) => resolve(workspaceDir, path)),
  ];
}

/** Every memory Markdown file, each once, sorted by path. */
export async function listMemoryFiles(
  workspaceDir: string,
  extraPaths: readonly string[],
): Promise<MemoryFile[]> {
  const found: string[] = [];
  for (const root of memoryRoots(workspaceDir, extraPaths)) {
    const info = await statOrUndefined(root);
    if (info?.isDirectory()) await markdownUnder(root, found);
    else if (info?.isFile() && root.toLowerCase().endsWith('.md')) found.push(root);
  }
  const files = new Map<string, MemoryFile>();
  for (const absolutePath of found) {
    const info = await statOrUndefined(absolutePath);
    if (!info) continue;
    const path = displayPath(workspaceDir, absolutePath);
    files.set(path, { path, absolutePath, mtimeMs: info.mtimeMs, size: info.size });
  }
  return [...files.values()].sort((left, right) => left.path.localeCompare(right.path));
}

/**
 * When a note was written, for recency: the date in a dated note's name
 * (memory/2026-01-31.md), else the file's modification time.
 */
export function noteTime(path: string, mtimeMs: number): number {
  const match = /(\d{4})-(\d{2})-(\d{2})[^/]*\.md$/i.exec(path);
  if (!match) return mtimeMs;
  const date = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date) ? mtimeMs : date;
}

/** Whether a path is an evergreen note (MEMORY.md): recency never discounts it. */
export function isEvergreen(path: string): boolean {
  return /(^|\/)MEMORY\.md$/i.test(path);
}
