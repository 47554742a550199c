/**
 * Append-only JSONL transcripts, `sessions/<sessionId>/transcript.jsonl`.
 *
 * Idempotent appends rest on one assumption: entries of one session are appended
 * sequentially (the session workflow runs one turn at a time, and an activity is retried
 * only after its previous attempt is over). So when a retried activity re-appends an
 * entry, the copy it may have written before is among the last few lines, and checking
 * the tail is enough: an id is a duplicate if it is among the last DEDUP_MIN_ENTRIES
 * entries (a scan reads at least DEDUP_MIN_BYTES back, so usually many more). A cache of
 * each file's recent ids skips the scan while the file's inode and size are what this
 * process last wrote, so it never hides another process's append.
 *
 * In one process, appends to a session run one at a time. Across processes, concurrent
 * appends of different ids are safe (each is a single O_APPEND write); two concurrent
 * appends of the same id, which the assumption rules out, could both land, so readers
 * also drop repeated ids.
 *
 * Durability: each append is one write() with O_APPEND followed by fdatasync, so an
 * acknowledged append survives a crash or power loss (opt out with `fsync: false`).
 * A crash mid-write leaves a torn last line; the next append starts on a fresh line and
 * readers skip lines that do not parse.
 */
import { mkdir, open, rename, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ClawdbotError } from '../errors.js';
import type { Message } from '../messages.js';
import { fsyncDirectory, hasErrorCode, KeyedMutex } from './fs-util.js';
import { readLinesBackward, readLinesForward } from './lines.js';
import { assertValidSessionId, assertValidSessionKey } from './session-key.js';
import { parseCachedLine, TranscriptReadCache } from './transcript-read-cache.js';
import {
  formatTranscriptLine,
  parseTranscriptLine,
  transcriptLineId,
  TRANSCRIPT_VERSION,
  type NewTranscriptEntry,
  type TranscriptEntry,
} from './transcript-entry.js';

/** A duplicate is always detected among this many last entries of the file. */
export const DEDUP_MIN_ENTRIES = 64;
/**
 * A tail scan for duplicates reads at least this many bytes (when the file has them):
 * one read chunk, so small entries are covered well past DEDUP_MIN_ENTRIES for free.
 * Larger windows cost ~1 ms per 256 KiB on every append that misses the cache.
 */
export const DEDUP_MIN_BYTES = 64 * 1024;
/** Longest accepted entry id. */
export const ENTRY_ID_MAX_LENGTH = 512;

const CACHED_FILES = 256;
const CACHED_IDS_PER_FILE = 2 * DEDUP_MIN_ENTRIES;
/** Transcripts kept open for appending, and for how long after their last append. */
const OPEN_APPENDERS = 64;
const APPENDER_IDLE_MS = 5_000;

/** Which session a transcript belongs to (the key goes into the header line). */
export interface SessionRef {
  sessionId: string;
  sessionKey: string;
}

/** Ids of the entries an append wrote, and of those it skipped as already present. */
export interface AppendResult {
  appended: string[];
  skipped: string[];
}

/** Options of the transcript store. */
export interface TranscriptStoreOptions {
  /** fdatasync after each append (default true). */
  fsync?: boolean;
  /** Clock for entry and header timestamps (default Date.now). */
  now?: () => number;
  /** Bytes of parsed transcript lines kept for later reads (default READ_CACHE_BYTES). */
  readCacheBytes?: number;
}

// What is known about a file's tail: valid only while the file still has this inode
// and size, i.e. nobody (another process) appended since we looked.
interface TailState {
  ino: number;
  size: number;
  endsWithNewline: boolean;
  ids: Set<string>; // oldest first
}

// A transcript kept open between appends: a turn appends several times within seconds
// (the user message, each reply, each tool result), and opening and closing the file for
// each was two of the five file operations of an append, on the path to the first token.
interface Appender {
  file: FileHandle;
  ino: number;
  busy: boolean;
  /** Closed as soon as it is not busy: evicted, idle, replaced or archived. */
  retired: boolean;
  idle: NodeJS.Timeout;
}

/** Every entry id must be a non-empty string of at most ENTRY_ID_MAX_LENGTH. */
export function assertEntryIds(entries: readonly NewTranscriptEntry[]): void {
  for (const entry of entries) {
    if (typeof entry.id !== 'string' || entry.id === '' || entry.id.length > ENTRY_ID_MAX_LENGTH) {
      throw new ClawdbotError('INVALID_REQUEST', 'Transcript entry id must be a non-empty string', {
        id: entry.id,
      });
    }
  }
}

/** Reads and appends session transcripts under one sessions dir. */
export class TranscriptStore {
  private readonly fsync: boolean;
  private readonly now: () => number;
  private readonly locks = new KeyedMutex();
  // Recently seen tails, least recently used first. Only saves the tail scan.
  private readonly tails = new Map<string, TailState>();
  // Parsed transcript lines of recent reads (see transcript-read-cache.ts).
  private readonly reads: TranscriptReadCache;
  // Open transcripts by session id, least recently used first.
  private readonly appenders = new Map<string, Appender>();

  constructor(
    readonly sessionsDir: string,
    options: TranscriptStoreOptions = {},
  ) {
    this.fsync = options.fsync ?? true;
    this.now = options.now ?? Date.now;
    this.reads = new TranscriptReadCache(options.readCacheBytes);
  }

  /** The transcript file of a session. */
  pathOf(sessionId: string): string {
    return join(this.sessionsDir, assertValidSessionId(sessionId), 'transcript.jsonl');
  }

  /**
   * Append entries in one write, skipping any whose id is already in the file's tail
   * (or repeated in `entries`). Writes the header first if the file is new.
   */
  async append(session: SessionRef, entries: readonly NewTranscriptEntry[]): Promise<AppendResult> {
    const path = this.pathOf(session.sessionId);
    assertValidSessionKey(session.sessionKey);
    assertEntryIds(entries);
    return this.locks.run(session.sessionId, () => this.appendLocked(session, path, entries));
  }

  private async appendLocked(
    session: SessionRef,
    path: string,
    entries: readonly NewTranscriptEntry[],
  ): Promise<AppendResult> {
    const { appender, stat } = await this.openAppender(session.sessionId, path);
    const { file } = appender;
    try {
      const cached = this.tails.get(session.sessionId);
      const tail =
        cached !== undefined && cached.ino === stat.ino && cached.size === stat.size
          ? cached
          : await scanTail(file, stat.size, stat.ino);
      const result: AppendResult = { appended: [], skipped: [] };
      const written = new Set<string>();
      const ts = this.now();
      let text = tail.endsWithNewline ? '' : '\n'; // repair a torn last line
      if (stat.size === 0) text += formatTranscriptLine(this.header(session, ts));
      for (const entry of entries) {
        if (tail.ids.has(entry.id) || written.has(entry.id)) {
          result.skipped.push(entry.id);
          continue;
        }
        text += formatTranscriptLine({ ...entry, ts: entry.ts ?? ts });
        written.add(entry.id);
        result.appended.push(entry.id);
      }
      if (result.appended.length > 0) {
        const bytes = Buffer.from(text, 'utf8');
        try {
          await writeAll(file, bytes);
          if (this.fsync) await file.datasync();
        } catch (error) {
          this.tails.delete(session.sessionId); // a partial write may have happened
          this.retire(session.sessionId, appender);
          throw error;
        }
        if (this.fsync && stat.size === 0) {
          await fsyncDirectory(dirname(path));
          await fsyncDirectory(this.sessionsDir);
        }
        for (const id of written) tail.ids.add(id);
        // If another process appended meanwhile, the real size is larger than this and
        // the next append rescans instead of trusting the cache.
        tail.size = stat.size + bytes.length;
        tail.endsWithNewline = true;
      }
      this.remember(session.sessionId, tail);
      return result;
    } finally {
      appender.busy = false;
      if (appender.retired) await appender.file.close().catch(() => undefined);
    }
  }

  /**
   * The session's open transcript while it is still the file at `path` (same inode: a
   * transcript archived or replaced, by this process or another, is opened anew), with the
   * file's current size and inode. Runs under the session's lock, so a session's appender
   * serves one append at a time.
   */
  private async openAppender(
    sessionId: string,
    path: string,
  ): Promise<{ appender: Appender; stat: { ino: number; size: number } }> {
    const known = this.appenders.get(sessionId);
    if (known !== undefined) {
      let current: { ino: number; size: number } | undefined;
      try {
        current = await stat(path);
      } catch (error) {
        if (!hasErrorCode(error, 'ENOENT')) throw error;
      }
      if (current !== undefined && current.ino === known.ino && !known.retired) {
        this.appenders.delete(sessionId);
        this.appenders.set(sessionId, known);
        known.busy = true;
        known.idle.refresh();
        return { appender: known, stat: { ino: current.ino, size: current.size } };
      }
      this.retire(sessionId, known);
    }
    const file = await openForAppend(path);
    let opened;
    try {
      opened = await file.stat();
    } catch (error) {
      await file.close();
      throw error;
    }
    const appender: Appender = {
      file,
      ino: opened.ino,
      busy: true,
      retired: false,
      idle: setTimeout(() => this.retire(sessionId, appender), APPENDER_IDLE_MS).unref(),
    };
    this.appenders.set(sessionId, appender);
    for (const [oldest, other] of this.appenders) {
      if (this.appenders.size <= OPEN_APPENDERS) break;
      this.retire(oldest, other);
    }
    return { appender, stat: { ino: opened.ino, size: opened.size } };
  }

  /** Stop reusing an appender; it is closed now, or when its append finishes. */
  private retire(sessionId: string, appender: Appender): void {
    if (this.appenders.get(sessionId) === appender) this.appenders.delete(sessionId);
    clearTimeout(appender.idle);
    if (appender.retired) return;
    appender.retired = true;
    if (!appender.busy) void appender.file.close().catch(() => undefined);
  }

  private header(session: SessionRef, ts: number): TranscriptEntry {
    const { sessionId, sessionKey } = session;
    return {
      type: 'session',
      id: sessionId,
      ts,
      sessionId,
      sessionKey,
      version: TRANSCRIPT_VERSION,
    };
  }

  private remember(sessionId: string, tail: TailState): void {
    for (const id of tail.ids) {
      if (tail.ids.size <= CACHED_IDS_PER_FILE) break;
      tail.ids.delete(id);
    }
    this.tails.delete(sessionId);
    this.tails.set(sessionId, tail);
    for (const oldest of this.tails.keys()) {
      if (this.tails.size <= CACHED_FILES) break;
      this.tails.delete(oldest);
    }
  }

  /** The last `limit` messages, oldest first (like OpenClaw's chat.history); [] if none. */
  async readHistory(sessionId: string, options: { limit: number }): Promise<Message[]> {
    const entries = await this.readLast(
      sessionId,
      options.limit,
      (entry) => entry.type === 'message',
    );
    return entries.map((entry) => (entry as { message: Message }).message);
  }

  /** The last `limit` entries other than the header, oldest first, for the agent's context. */
  async readEntries(sessionId: string, options: { limit: number }): Promise<TranscriptEntry[]> {
    return this.readLast(sessionId, options.limit, (entry) => entry.type !== 'session');
  }

  private async readLast(
    sessionId: string,
    limit: number,
    wanted: (entry: TranscriptEntry) => boolean,
  ): Promise<TranscriptEntry[]> {
    const count = Math.floor(limit);
    if (!(count > 0)) return [];
    const file = await openForRead(this.pathOf(sessionId));
    if (file === undefined) return [];
    try {
      const { size, ino } = await file.stat();
      // Parsed before: only the lines appended since are parsed now.
      const window = await this.reads.current(sessionId, file, ino, size);
      if (window !== undefined) {
        const found = lastWanted(window.entries, count, wanted);
        if (found.length >= count || window.start === 0) return found;
      }
      const found: TranscriptEntry[] = [];
      const seen = new Set<string>();
      const parsed: TranscriptEntry[] = []; // every entry read, newest first
      let start = 0;
      let whole = true;
      for await (const line of readLinesBackward(file, size)) {
        const entry = parseCachedLine(line.text);
        if (entry !== undefined) parsed.push(entry);
        if (entry === undefined || !wanted(entry) || seen.has(entry.id)) continue;
        seen.add(entry.id);
        found.push(entry);
        if (found.length >= count) {
          start = line.start;
          whole = false;
          break;
        }
      }
      // Keep what was read for the next call, if it ends on a whole line.
      if (size > 0 && (await lastByte(file, size)) === 0x0a)
        this.reads.store(sessionId, {
          ino,
          start: whole ? 0 : start,
          end: size,
          entries: parsed.reverse(),
        });
      return found.reverse();
    } finally {
      await file.close();
    }
  }

  /** Every entry, header included, in file order; unparsable and duplicate lines skipped. */
  async *entries(sessionId: string): AsyncGenerator<TranscriptEntry> {
    const file = await openForRead(this.pathOf(sessionId));
    if (file === undefined) return;
    try {
      const seen = new Set<string>();
      for await (const line of readLinesForward(file)) {
        const entry = parseTranscriptLine(line.text);
        if (entry === undefined || seen.has(entry.id)) continue;
        seen.add(entry.id);
        yield entry;
      }
    } finally {
      await file.close();
    }
  }

  /** Move a session's folder to `<sessionsDir>/deleted/`; false if it had none. */
  async archive(sessionId: string): Promise<boolean> {
    const from = dirname(this.pathOf(sessionId));
    const deletedDir = join(this.sessionsDir, 'deleted');
    await mkdir(deletedDir, { recursive: true });
    this.tails.delete(sessionId);
    this.reads.forget(sessionId);
    const appender = this.appenders.get(sessionId);
    if (appender !== undefined) this.retire(sessionId, appender);
    try {
      await rename(from, join(deletedDir, sessionId));
      return true;
    } catch (error) {
      if (hasErrorCode(error, 'ENOENT')) return false;
      throw error;
    }
  }
}

/** The last `count` wanted entries of `entries` (file order), the newest copy of an id. */
function lastWanted(
  entries: readonly TranscriptEntry[],
  count: number,
  wanted: (entry: TranscriptEntry) => boolean,
): TranscriptEntry[] {
  const found: TranscriptEntry[] = [];
  const seen = new Set<string>();
  for (let index = entries.length - 1; index >= 0 && found.length < count; index--) {
    const entry = entries[index]!;
    if (!wanted(entry) || seen.has(entry.id)) continue;
    seen.add(entry.id);
    found.push(entry);
  }
  return found.reverse();
}

async function lastByte(file: FileHandle, size: number): Promise<number | undefined> {
  const byte = Buffer.alloc(1);
  const { bytesRead } = await file.read(byte, 0, 1, size - 1);
  return bytesRead === 1 ? byte[0] : undefined;
}

async function openForAppend(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'a+');
  } catch (error) {
    if (!hasErrorCode(error, 'ENOENT')) throw error;
    await mkdir(dirname(path), { recursive: true });
    return open(path, 'a+');
  }
}

async function openForRead(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

// One write() call per append keeps concurrent O_APPEND writers from interleaving; the
// loop only matters for the rare short write.
async function writeAll(file: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await file.write(bytes, offset, bytes.length - offset, null);
    offset += bytesWritten;
  }
}

/** Read the file's tail backwards for entry ids (see DEDUP_MIN_ENTRIES / DEDUP_MIN_BYTES). */
async function scanTail(file: FileHandle, size: number, ino: number): Promise<TailState> {
  let endsWithNewline = true;
  if (size > 0) {
    const last = Buffer.alloc(1);
    await file.read(last, 0, 1, size - 1);
    endsWithNewline = last[0] === 0x0a;
  }
  const newestFirst: string[] = [];
  for await (const line of readLinesBackward(file, size)) {
    // A torn line fails JSON.parse, so an entry whose write was cut short is rewritten.
    const id = transcriptLineId(line.text);
    if (id !== undefined) newestFirst.push(id);
    if (newestFirst.length >= DEDUP_MIN_ENTRIES && size - line.start >= DEDUP_MIN_BYTES) break;
  }
  return { ino, size, endsWithNewline, ids: new Set(newestFirst.reverse()) };
}
