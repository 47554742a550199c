/**
 * The session store: the sessions index and the transcripts under
 * `<stateDir>/sessions/`, behind one object created per process (no singletons).
 *
 * Layout: `sessions/<sessionId>/transcript.jsonl`, `sessions/index/<sha256(key)>.json`,
 * `sessions/deleted/<sessionId>/` (transcripts of deleted keys, kept for recovery).
 */
import { join } from 'node:path';
import type { Message } from '../messages.js';
import { statePaths } from '../paths.js';
import {
  SessionIndex,
  type ListSessionsOptions,
  type SessionIndexEntry,
  type SessionInit,
  type SessionPatch,
  type SessionTouch,
} from './index-store.js';
import type { NewTranscriptEntry, TranscriptEntry } from './transcript-entry.js';
import { TranscriptStore, type AppendResult, type SessionRef } from './transcript.js';

/** Options of the session store. */
export interface SessionStoreOptions {
  /** fsync appends and index records (default true). Tests and benches may turn it off. */
  fsync?: boolean;
  /** Clock for timestamps (default Date.now). */
  now?: () => number;
}

/**
 * Sessions index plus transcripts; every method validates its key or id. Two kinds: files
 * on this host's disk (one machine), or PostgreSQL (a cluster: every worker and gateway
 * reads and writes the same sessions, whichever host runs a turn's steps).
 */
export interface SessionStore {
  /** Where the sessions are kept, for people: a directory, or a database without password. */
  readonly location: string;
  /** True when every process of a cluster reaches this store (not one host's disk). */
  readonly shared: boolean;
  /** The index record of a key, or undefined. */
  get(sessionKey: string): Promise<SessionIndexEntry | undefined>;
  /** The index record of a key, created with a fresh session id if missing. */
  ensure(sessionKey: string, init?: SessionInit): Promise<SessionIndexEntry>;
  /** Record activity (updatedAt, latest usage); undefined if the key is not indexed. */
  touch(sessionKey: string, update?: SessionTouch): Promise<SessionIndexEntry | undefined>;
  /** Change a key's label or owning host; undefined if the key is not indexed. */
  patch(sessionKey: string, patch: SessionPatch): Promise<SessionIndexEntry | undefined>;
  /** Give a key a new session id; the old transcript stays readable by its id. */
  reset(sessionKey: string): Promise<{ entry: SessionIndexEntry; previous?: SessionIndexEntry }>;
  /** Forget a key, keeping its transcript for recovery by hand. False if it was not indexed. */
  delete(sessionKey: string): Promise<boolean>;
  /** Index records, newest first. */
  list(options?: ListSessionsOptions): Promise<SessionIndexEntry[]>;
  /** Append entries to a session's transcript; ids it already has are skipped. */
  append(session: SessionRef, entries: readonly NewTranscriptEntry[]): Promise<AppendResult>;
  /** The last `limit` messages of a transcript, oldest first. */
  readHistory(sessionId: string, options: { limit: number }): Promise<Message[]>;
  /** The last `limit` non-header entries of a transcript, oldest first. */
  readEntries(sessionId: string, options: { limit: number }): Promise<TranscriptEntry[]>;
  /** Every entry of a transcript in order, header first. */
  entries(sessionId: string): AsyncGenerator<TranscriptEntry>;
  /** Check the store is reachable and set up (PostgreSQL: connect, create tables). */
  ready(): Promise<void>;
  /** Release connections (a no-op for files). */
  close(): Promise<void>;
}

/** The session store on this host's disk, under `<stateDir>/sessions/`. */
export class FileSessionStore implements SessionStore {
  readonly shared = false;
  /** `<stateDir>/sessions`. */
  readonly sessionsDir: string;
  /** The per-key index records. */
  readonly index: SessionIndex;
  /** The JSONL transcripts. */
  readonly transcripts: TranscriptStore;

  constructor(stateDir: string, options: SessionStoreOptions = {}) {
    this.sessionsDir = statePaths(stateDir).sessionsDir;
    this.index = new SessionIndex(join(this.sessionsDir, 'index'), options);
    this.transcripts = new TranscriptStore(this.sessionsDir, options);
  }

  get location(): string {
    return this.sessionsDir;
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** The index record of a key, or undefined. */
  get(sessionKey: string): Promise<SessionIndexEntry | undefined> {
    return this.index.get(sessionKey);
  }

  /** The index record of a key, created with a fresh session id if missing. */
  ensure(sessionKey: string, init?: SessionInit): Promise<SessionIndexEntry> {
    return this.index.ensure(sessionKey, init);
  }

  /** Record activity (updatedAt, latest usage); undefined if the key is not indexed. */
  touch(sessionKey: string, update?: SessionTouch): Promise<SessionIndexEntry | undefined> {
    return this.index.touch(sessionKey, update);
  }

  patch(sessionKey: string, patch: SessionPatch): Promise<SessionIndexEntry | undefined> {
    return this.index.patch(sessionKey, patch);
  }

  /** Give a key a new session id; the old transcript stays on disk, readable by its id. */
  reset(sessionKey: string): Promise<{ entry: SessionIndexEntry; previous?: SessionIndexEntry }> {
    return this.index.reset(sessionKey);
  }

  /**
   * Forget a key and move its current transcript to `sessions/deleted/` (recoverable by
   * hand; transcripts of earlier resets stay where they are). False if it was not indexed.
   */
  async delete(sessionKey: string): Promise<boolean> {
    const removed = await this.index.remove(sessionKey);
    if (removed === undefined) return false;
    await this.transcripts.archive(removed.sessionId);
    return true;
  }

  /** Index records, newest first. */
  list(options?: ListSessionsOptions): Promise<SessionIndexEntry[]> {
    return this.index.list(options);
  }

  /** Append entries to a session's transcript; ids already in its tail are skipped. */
  append(session: SessionRef, entries: readonly NewTranscriptEntry[]): Promise<AppendResult> {
    return this.transcripts.append(session, entries);
  }

  /** The last `limit` messages of a transcript, oldest first. */
  readHistory(sessionId: string, options: { limit: number }): Promise<Message[]> {
    return this.transcripts.readHistory(sessionId, options);
  }

  /** The last `limit` non-header entries of a transcript, oldest first. */
  readEntries(sessionId: string, options: { limit: number }): Promise<TranscriptEntry[]> {
    return this.transcripts.readEntries(sessionId, options);
  }

  /** Every entry of a transcript in file order. */
  entries(sessionId: string): AsyncGenerator<TranscriptEntry> {
    return this.transcripts.entries(sessionId);
  }
}

/** A session store over `<stateDir>/sessions/`. */
export function createSessionStore(
  stateDir: string,
  options?: SessionStoreOptions,
): FileSessionStore {
  return new FileSessionStore(stateDir, options);
}
