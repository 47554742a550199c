/**
 * Parsed lines of recently read transcripts, so that reading a session's history before
 * each LLM call parses only what was appended since the last read, not the whole tail again.
 *
 * A transcript is append-only, so what was parsed stays true while the file keeps its inode
 * and has not shrunk: a read then parses the bytes past the cached window's end and adds
 * them. The window covers whole lines only (a line still being written is read next time),
 * and the same entry objects are handed out on every read, which also lets per-object
 * caches (the token estimator's lengths) keep their answers. The entries are frozen for
 * that reason: a caller that changed one would change every later read.
 *
 * Memory is bounded by the bytes the windows cover (their lines, as on disk) and by the
 * number of files; least recently read files go first, and a window larger than the whole
 * budget is not kept.
 */
import type { FileHandle } from 'node:fs/promises';
import { parseTranscriptLine, type TranscriptEntry } from './transcript-entry.js';

/** A cached window `[start, end)` of one file: its parsed entries in file order. */
export interface CachedWindow {
  ino: number;
  /** Byte offset of the first line in the window (0: the window is the whole file). */
  start: number;
  /** Byte offset just after the last complete line in the window. */
  end: number;
  /** Entries of the window's lines in file order (unparsable lines left out, repeats kept). */
  entries: readonly TranscriptEntry[];
}

/**
 * Bytes of transcript lines all windows may cover together (default). Parsed, a line takes
 * several times its size in memory, so this stays small: the sessions in use fit.
 */
export const READ_CACHE_BYTES = 8 * 1024 * 1024;
/** Files kept at most (default): many small sessions must not pile up either. */
export const READ_CACHE_FILES = 64;

const NEWLINE = 0x0a;

/** Make a parsed entry immutable, all the way down (its message, content blocks, ...). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Parse and freeze one line; undefined if it is not a valid entry. */
export function parseCachedLine(text: string): TranscriptEntry | undefined {
  const entry = parseTranscriptLine(text);
  return entry === undefined ? undefined : deepFreeze(entry);
}

export class TranscriptReadCache {
  private readonly windows = new Map<string, CachedWindow>(); // least recently used first
  private bytes = 0;

  constructor(
    private readonly maxBytes: number = READ_CACHE_BYTES,
    private readonly maxFiles: number = READ_CACHE_FILES,
  ) {}

  /**
   * The window of `key`'s file brought up to `size`, or undefined when there is none to
   * bring up (never read, another inode, the file shrank, or it does not end in a newline,
   * i.e. a line is being written or was torn: the caller reads it the slow way).
   */
  async current(
    key: string,
    file: FileHandle,
    ino: number,
    size: number,
  ): Promise<CachedWindow | undefined> {
    const window = this.windows.get(key);
    if (window === undefined) return undefined;
    if (window.ino !== ino || size < window.end) {
      this.forget(key);
      return undefined;
    }
    if (size === window.end) {
      this.touch(key, window);
      return window;
    }
    const added = Buffer.allocUnsafe(size - window.end);
    const { bytesRead } = await file.read(added, 0, added.length, window.end);
    if (bytesRead !== added.length || added[added.length - 1] !== NEWLINE) return undefined;
    const entries = [...window.entries];
    let lineStart = 0;
    for (let newline = added.indexOf(NEWLINE); newline !== -1;) {
      if (newline > lineStart) {
        const entry = parseCachedLine(added.toString('utf8', lineStart, newline));
        if (entry !== undefined) entries.push(entry);
      }
      lineStart = newline + 1;
      newline = added.indexOf(NEWLINE, lineStart);
    }
    const grown: CachedWindow = { ino, start: window.start, end: size, entries };
    this.store(key, grown);
    return this.windows.get(key);
  }

  /** Keep a window read the slow way (replacing what was kept for `key`). */
  store(key: string, window: CachedWindow): void {
    this.forget(key);
    const size = window.end - window.start;
    if (size > this.maxBytes) return;
    this.windows.set(key, window);
    this.bytes += size;
    for (const [oldest, kept] of this.windows) {
      if (this.bytes <= this.maxBytes && this.windows.size <= this.maxFiles) break;
      this.windows.delete(oldest);
      this.bytes -= kept.end - kept.start;
    }
  }

  /** Drop `key`'s window (its file was moved away). */
  forget(key: string): void {
    const window = this.windows.get(key);
    if (window === undefined) return;
    this.windows.delete(key);
    this.bytes -= window.end - window.start;
  }

  /** Bytes covered by the kept windows (for tests and diagnostics). */
  get coveredBytes(): number {
    return this.bytes;
  }

  private touch(key: string, window: CachedWindow): void {
    this.windows.delete(key);
    this.windows.set(key, window);
  }
}
