/**
 * The sessions index: one small JSON file per session key,
 * `sessions/index/<sha256(key)>.json`, so the message path never reads or rewrites a
 * file that grows with the number of sessions (OpenClaw rewrites one sessions.json).
 *
 * Concurrency: in one process, operations on a key run one at a time. Across processes,
 * creation is exclusive (two `ensure`s converge on one id); other updates are atomic
 * replaces where the last writer wins. `touch` takes the run's session id so a late
 * touch cannot resurrect the id of a session that was reset meanwhile.
 */
import { createHash } from 'node:crypto';
import { open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ClawdbotError } from '../errors.js';
import {
  createFileExclusive,
  hasErrorCode,
  KeyedMutex,
  sameVersion,
  writeFileAtomic,
  type FileVersion,
} from './fs-util.js';
import { assertValidSessionKey, newSessionId } from './session-key.js';

/** One session key's index record. */
export const sessionIndexEntrySchema = z.object({
  sessionId: z.string(),
  sessionKey: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  totalTokens: z.number(),
  /** Input tokens of the latest turn read from (and written to) the provider's prompt cache. */
  cacheReadTokens: z.number().optional(),
  cacheWriteTokens: z.number().optional(),
  messageCount: z.number().optional(),
  channel: z.string().optional(),
  label: z.string().optional(),
  /** The worker host whose workspace the session uses (set when a cluster creates it). */
  host: z.string().optional(),
});

/** One session key's index record. */
export type SessionIndexEntry = z.infer<typeof sessionIndexEntrySchema>;

/** Descriptive fields that may be given when a session is created. */
export interface SessionInit {
  channel?: string;
  label?: string;
  /** Owning worker host; fixed at creation and kept across resets. */
  host?: string;
}

/** What `touch` changes besides `updatedAt`. Values replace, never add, so a retry is harmless. */
export interface SessionTouch extends Omit<SessionInit, 'host'> {
  /** Apply only if the key still maps to this session id. */
  sessionId?: string;
  /** Usage of the latest run (OpenClaw semantics: totalTokens ≈ current context size). */
  tokens?: {
    input: number;
    output: number;
    total?: number;
    cacheRead?: number;
    cacheWrite?: number;
  };
  messageCount?: number;
}

/** What `patch` changes: a label (null removes it) or the owning host. */
export interface SessionPatch {
  label?: string | null;
  host?: string;
}

/** Options of `list`. */
export interface ListSessionsOptions {
  limit?: number;
  /** Only sessions updated within this many minutes. */
  activeMinutes?: number;
}

/** Options of the index. */
export interface SessionIndexOptions {
  /** fsync a record before it replaces the old one (default true). */
  fsync?: boolean;
  now?: () => number;
}

const RECORD_FILE = /^[0-9a-f]{64}\.json$/;
const LIST_READ_BATCH = 64;
const ENSURE_ATTEMPTS = 5;
/** Records kept parsed (the sessions with recent turns). */
const CACHED_RECORDS = 1024;

/** Session key → session id and stats, one file per key. */
export class SessionIndex {
  private readonly fsync: boolean;
  private readonly now: () => number;
  private readonly locks = new KeyedMutex();
  /**
   * Records as last read or written, with the file version they came from. A read that finds
   * the file at that version (one stat) skips opening and parsing it: every turn reads its
   * session's record before the first LLM call and again when it finishes. Any other
   * writer, another process included, replaces the file (another inode) and so misses.
   */
  private readonly records = new Map<string, { version: FileVersion; record: SessionIndexEntry }>();

  constructor(
    readonly indexDir: string,
    options: SessionIndexOptions = {},
  ) {
    this.fsync = options.fsync ?? true;
    this.now = options.now ?? Date.now;
  }

  /** The record file of a key (hashed: keys may hold any character and be 256 long). */
  pathOf(sessionKey: string): string {
    const hash = createHash('sha256').update(assertValidSessionKey(sessionKey)).digest('hex');
    return join(this.indexDir, `${hash}.json`);
  }

  /** The record of a key, or undefined. */
  async get(sessionKey: string): Promise<SessionIndexEntry | undefined> {
    return this.read(this.pathOf(sessionKey));
  }

  /** A record file's content, from the cache while the file is the version cached. */
  private async read(path: string): Promise<SessionIndexEntry | undefined> {
    const known = this.records.get(path);
    if (known !== undefined) {
      try {
        if (sameVersion(known.version, await stat(path))) return { ...known.record };
      } catch (error) {
        if (!hasErrorCode(error, 'ENOENT')) throw error;
        this.records.delete(path);
        return undefined;
      }
    }
    const read = await readVersioned(path);
    if (read === undefined) {
      this.records.delete(path);
      return undefined;
    }
    this.remember(path, read.version, read.record);
    return read.record;
  }

  private remember(path: string, version: FileVersion, record: SessionIndexEntry): void {
    this.records.delete(path);
    this.records.set(path, { version, record: { ...record } });
    if (this.records.size > CACHED_RECORDS) this.records.delete(this.records.keys().next().value!);
  }

  /** The record of a key, created with a fresh session id if missing. */
  async ensure(sessionKey: string, init: SessionInit = {}): Promise<SessionIndexEntry> {
    const path = this.pathOf(sessionKey);
    return this.locks.run(sessionKey, async () => {
      // Bounded: only a delete racing each attempt can make the re-read miss.
      for (let attempt = 0; attempt < ENSURE_ATTEMPTS; attempt++) {
        const existing = await this.read(path);
        if (existing !== undefined) return existing;
        const entry = freshEntry(sessionKey, init, this.now());
        const version = await createFileExclusive(path, serialize(entry), this.fsync);
        if (version !== undefined) {
          this.remember(path, version, entry);
          return entry;
        }
      }
      throw new ClawdbotError('UNAVAILABLE', 'Session index entry keeps vanishing', { sessionKey });
    });
  }

  /** Record activity on a key; undefined if it is not indexed (or maps to another id). */
  async touch(
    sessionKey: string,
    update: SessionTouch = {},
  ): Promise<SessionIndexEntry | undefined> {
    const path = this.pathOf(sessionKey);
    return this.locks.run(sessionKey, async () => {
      const current = await this.read(path);
      if (current === undefined) return undefined;
      if (update.sessionId !== undefined && update.sessionId !== current.sessionId)
        return undefined;
      const next = touchedEntry(current, update, this.now());
      this.remember(path, await writeFileAtomic(path, serialize(next), this.fsync), next);
      return next;
    });
  }

  /** Give a key a new session id (creating the record if missing); returns old and new. */
  async reset(
    sessionKey: string,
  ): Promise<{ entry: SessionIndexEntry; previous?: SessionIndexEntry }> {
    const path = this.pathOf(sessionKey);
    return this.locks.run(sessionKey, async () => {
      const previous = await this.read(path);
      const entry = freshEntry(sessionKey, keptOnReset(previous), this.now());
      this.remember(path, await writeFileAtomic(path, serialize(entry), this.fsync), entry);
      return previous === undefined ? { entry } : { entry, previous };
    });
  }

  /** Change a record's label or host; undefined if the key is not indexed. */
  async patch(sessionKey: string, patch: SessionPatch): Promise<SessionIndexEntry | undefined> {
    const path = this.pathOf(sessionKey);
    return this.locks.run(sessionKey, async () => {
      const current = await this.read(path);
      if (current === undefined) return undefined;
      const next = patchedEntry(current, patch, this.now());
      this.remember(path, await writeFileAtomic(path, serialize(next), this.fsync), next);
      return next;
    });
  }

  /** Remove a key's record; returns it, or undefined if there was none. */
  async remove(sessionKey: string): Promise<SessionIndexEntry | undefined> {
    const path = this.pathOf(sessionKey);
    return this.locks.run(sessionKey, async () => {
      const current = await this.read(path);
      this.records.delete(path);
      if (current === undefined) return undefined;
      try {
        await unlink(path);
      } catch (error) {
        if (!hasErrorCode(error, 'ENOENT')) throw error;
      }
      return current;
    });
  }

  /** Records sorted by updatedAt, newest first. Reads the whole index dir: not for the message path. */
  async list(options: ListSessionsOptions = {}): Promise<SessionIndexEntry[]> {
    let names: string[];
    try {
      names = (await readdir(this.indexDir)).filter((name) => RECORD_FILE.test(name));
    } catch (error) {
      if (hasErrorCode(error, 'ENOENT')) return [];
      throw error;
    }
    const since =
      options.activeMinutes === undefined ? -Infinity : this.now() - options.activeMinutes * 60_000;
    const entries: SessionIndexEntry[] = [];
    // Batched so a large index does not open thousands of files at once (EMFILE).
    for (let start = 0; start < names.length; start += LIST_READ_BATCH) {
      const batch = names.slice(start, start + LIST_READ_BATCH);
      const records = await Promise.all(
        batch.map((name) => readRecord(join(this.indexDir, name)).catch(() => undefined)),
      );
      for (const record of records) {
        if (record !== undefined && record.updatedAt >= since) entries.push(record);
      }
    }
    entries.sort(
      (a, b) =>
        b.updatedAt - a.updatedAt ||
        (a.sessionKey < b.sessionKey ? -1 : a.sessionKey > b.sessionKey ? 1 : 0),
    );
    return options.limit === undefined ? entries : entries.slice(0, Math.max(0, options.limit));
  }
}

/** A new record for a key: a fresh session id, zero usage. */
export function freshEntry(sessionKey: string, init: SessionInit, now: number): SessionIndexEntry {
  return {
    sessionId: newSessionId(),
    sessionKey,
    createdAt: now,
    updatedAt: now,
    inputTokens: 0,
    outputTokens: 0,
    totalTokens: 0,
    ...init,
  };
}

/** What a reset carries over from the old record: its description and owning host. */
export function keptOnReset(previous: SessionIndexEntry | undefined): SessionInit {
  const init: SessionInit = {};
  if (previous?.channel !== undefined) init.channel = previous.channel;
  if (previous?.label !== undefined) init.label = previous.label;
  if (previous?.host !== undefined) init.host = previous.host;
  return init;
}

/** A record after `patch`. */
export function patchedEntry(
  current: SessionIndexEntry,
  patch: SessionPatch,
  now: number,
): SessionIndexEntry {
  const next: SessionIndexEntry = { ...current, updatedAt: Math.max(now, current.updatedAt) };
  if (patch.label === null) delete next.label;
  else if (patch.label !== undefined) next.label = patch.label;
  if (patch.host !== undefined) next.host = patch.host;
  return next;
}

/** A record after `touch` (the caller has checked the session id). */
export function touchedEntry(
  current: SessionIndexEntry,
  update: SessionTouch,
  now: number,
): SessionIndexEntry {
  const next: SessionIndexEntry = { ...current, updatedAt: Math.max(now, current.updatedAt) };
  if (update.tokens !== undefined) {
    const { input, output, total } = update.tokens;
    next.inputTokens = input;
    next.outputTokens = output;
    next.totalTokens = total ?? input + output;
    if (update.tokens.cacheRead !== undefined) next.cacheReadTokens = update.tokens.cacheRead;
    if (update.tokens.cacheWrite !== undefined) next.cacheWriteTokens = update.tokens.cacheWrite;
  }
  if (update.messageCount !== undefined) next.messageCount = update.messageCount;
  if (update.channel !== undefined) next.channel = update.channel;
  if (update.label !== undefined) next.label = update.label;
  return next;
}

function serialize(entry: SessionIndexEntry): string {
  return `${JSON.stringify(entry, null, 2)}\n`;
}

/** A record file's content and the version it was read at (from one open file). */
async function readVersioned(
  path: string,
): Promise<{ record: SessionIndexEntry; version: FileVersion } | undefined> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined;
    throw error;
  }
  try {
    const { ino, size, mtimeMs } = await file.stat();
    const text = await file.readFile('utf8');
    return { record: parseIndexRecord(text, { path }), version: { ino, size, mtimeMs } };
  } finally {
    await file.close();
  }
}

async function readRecord(path: string): Promise<SessionIndexEntry | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined;
    throw error;
  }
  return parseIndexRecord(text, { path });
}

/**
 * A stored index record, validated. Records are only ever replaced whole, so a bad one is
 * damage, not a race: say so (with `where` it was) rather than minting a new session id.
 */
export function parseIndexRecord(text: string, where: Record<string, string>): SessionIndexEntry {
  let parsed;
  try {
    parsed = sessionIndexEntrySchema.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success) throw new ClawdbotError('INTERNAL', 'Corrupt session index record', where);
  return parsed.data;
}
