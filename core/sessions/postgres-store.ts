/**
 * The session store in PostgreSQL, for a cluster: the gateway and every worker, on any
 * host, read and write the same sessions index and transcripts, so a turn's steps may
 * run on whichever worker picks them up and `chat.history` answers from any gateway.
 *
 * Same contract as the file store: entry ids are unique per session (a retried activity
 * re-appending an entry is skipped: `ON CONFLICT DO NOTHING`), transcripts are read in
 * append order, a reset keeps the old transcript readable by its id and a delete only
 * forgets the key. Each entry is stored as the exact JSON line the file store would
 * write (`text`, not `jsonb`, which would reorder keys).
 */
import type pg from 'pg';
import { ClawdbotError } from '../errors.js';
import type { Message } from '../messages.js';
import {
  freshEntry,
  keptOnReset,
  parseIndexRecord,
  patchedEntry,
  touchedEntry,
  type ListSessionsOptions,
  type SessionIndexEntry,
  type SessionInit,
  type SessionPatch,
  type SessionTouch,
} from './index-store.js';
import { assertValidSessionId, assertValidSessionKey } from './session-key.js';
import type { SessionStore, SessionStoreOptions } from './store.js';
import {
  formatTranscriptLine,
  parseTranscriptLine,
  TRANSCRIPT_VERSION,
  type NewTranscriptEntry,
  type TranscriptEntry,
} from './transcript-entry.js';
import { assertEntryIds, type AppendResult, type SessionRef } from './transcript.js';

const SCHEMA_LOCK = 0x636c6177; // "claw": serialises concurrent schema creation
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS clawdbot_sessions (
     session_key text PRIMARY KEY,
     updated_at bigint NOT NULL,
     record text NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS clawdbot_sessions_by_update
     ON clawdbot_sessions (updated_at DESC, session_key)`,
  `CREATE TABLE IF NOT EXISTS clawdbot_transcript_entries (
     session_id text NOT NULL,
     entry_id text NOT NULL,
     seq bigserial NOT NULL,
     kind text NOT NULL,
     line text NOT NULL,
     PRIMARY KEY (session_id, entry_id))`,
  `CREATE INDEX IF NOT EXISTS clawdbot_transcript_entries_by_seq
     ON clawdbot_transcript_entries (session_id, seq)`,
];

/** `postgres://user@host:port/db`, without the password, for logs and sessions.list. */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

/** Options of the PostgreSQL store. */
export interface PostgresSessionStoreOptions extends Pick<SessionStoreOptions, 'now'> {
  /** Most connections this process opens (default 10). */
  maxConnections?: number;
}

/** Sessions index and transcripts in PostgreSQL tables (created on first use). */
export class PostgresSessionStore implements SessionStore {
  readonly shared = true;
  readonly location: string;
  /** Loaded on first use: `pg` costs ~3 MB of heap in every process that imports this file. */
  private readonly pool: Promise<pg.Pool>;
  private readonly now: () => number;
  private initialised: Promise<void> | undefined;

  constructor(url: string, options: PostgresSessionStoreOptions = {}) {
    this.location = redactPostgresUrl(url);
    this.now = options.now ?? Date.now;
    this.pool = import('pg').then(({ default: postgres }) => {
      const pool = new postgres.Pool({
        connectionString: url,
        max: options.maxConnections ?? 10,
        connectionTimeoutMillis: 10_000,
        idleTimeoutMillis: 30_000,
      });
      // An idle connection dropped by the server must not crash the process; the next
      // query opens a new one.
      pool.on('error', () => undefined);
      return pool;
    });
    // A failed load surfaces at the first operation, not as an unhandled rejection now.
    this.pool.catch(() => undefined);
  }

  ready(): Promise<void> {
    return this.init();
  }

  /** Create the tables if missing. Called by every operation; runs once per process. */
  init(): Promise<void> {
    this.initialised ??= this.rawTransaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      for (const statement of SCHEMA) await client.query(statement);
    }).catch((error: unknown) => {
      this.initialised = undefined; // try again on the next call
      throw error;
    });
    return this.initialised;
  }

  async get(sessionKey: string): Promise<SessionIndexEntry | undefined> {
    assertValidSessionKey(sessionKey);
    const result = await this.query<{ record: string }>(
      'SELECT record FROM clawdbot_sessions WHERE session_key = $1',
      [sessionKey],
    );
    return result.rows[0] && parseIndexRecord(result.rows[0].record, { sessionKey });
  }

  async ensure(sessionKey: string, init: SessionInit = {}): Promise<SessionIndexEntry> {
    assertValidSessionKey(sessionKey);
    // Every turn calls this, and the key almost always exists: one read, no insert.
    const found = await this.get(sessionKey);
    if (found !== undefined) return found;
    // Bounded: only a delete racing each attempt can make the re-read miss.
    for (let attempt = 0; attempt < 5; attempt++) {
      const entry = freshEntry(sessionKey, init, this.now());
      const inserted = await this.query(
        `INSERT INTO clawdbot_sessions (session_key, updated_at, record) VALUES ($1, $2, $3)
         ON CONFLICT (session_key) DO NOTHING`,
        [sessionKey, entry.updatedAt, JSON.stringify(entry)],
      );
      if (inserted.rowCount === 1) return entry;
      const existing = await this.get(sessionKey);
      if (existing !== undefined) return existing;
    }
    throw new ClawdbotError('UNAVAILABLE', 'Session index entry keeps vanishing', { sessionKey });
  }

  async touch(
    sessionKey: string,
    update: SessionTouch = {},
  ): Promise<SessionIndexEntry | undefined> {
    assertValidSessionKey(sessionKey);
    return this.transaction(async (client) => {
      const current = await lockedRecord(client, sessionKey);
      if (current === undefined) return undefined;
      if (update.sessionId !== undefined && update.sessionId !== current.sessionId)
        return undefined;
      const next = touchedEntry(current, update, this.now());
      await writeRecord(client, next);
      return next;
    });
  }

  async patch(sessionKey: string, patch: SessionPatch): Promise<SessionIndexEntry | undefined> {
    assertValidSessionKey(sessionKey);
    return this.transaction(async (client) => {
      const current = await lockedRecord(client, sessionKey);
      if (current === undefined) return undefined;
      const next = patchedEntry(current, patch, this.now());
      await writeRecord(client, next);
      return next;
    });
  }

  async reset(
    sessionKey: string,
  ): Promise<{ entry: SessionIndexEntry; previous?: SessionIndexEntry }> {
    assertValidSessionKey(sessionKey);
    return this.transaction(async (client) => {
      const previous = await lockedRecord(client, sessionKey);
      const entry = freshEntry(sessionKey, keptOnReset(previous), this.now());
      await writeRecord(client, entry);
      return previous === undefined ? { entry } : { entry, previous };
    });
  }

  async delete(sessionKey: string): Promise<boolean> {
    assertValidSessionKey(sessionKey);
    // The transcript rows stay, keyed by session id: recoverable by hand, as deleted/ is.
    const result = await this.query('DELETE FROM clawdbot_sessions WHERE session_key = $1', [
      sessionKey,
    ]);
    return result.rowCount === 1;
  }

  async list(options: ListSessionsOptions = {}): Promise<SessionIndexEntry[]> {
    const since =
      options.activeMinutes === undefined
        ? Number.MIN_SAFE_INTEGER
        : this.now() - options.activeMinutes * 60_000;
    const limit = options.limit === undefined ? null : Math.max(0, Math.floor(options.limit));
    const result = await this.query<{ session_key: string; record: string }>(
      `SELECT session_key, record FROM clawdbot_sessions WHERE updated_at >= $1
       ORDER BY updated_at DESC, session_key COLLATE "C" LIMIT $2`,
      [since, limit],
    );
    const entries: SessionIndexEntry[] = [];
    for (const row of result.rows) {
      try {
        entries.push(parseIndexRecord(row.record, { sessionKey: row.session_key }));
      } catch {
        // Like the file store's list: one damaged record does not hide the others.
      }
    }
    return entries;
  }

  async append(session: SessionRef, entries: readonly NewTranscriptEntry[]): Promise<AppendResult> {
    assertValidSessionId(session.sessionId);
    assertValidSessionKey(session.sessionKey);
    assertEntryIds(entries);
    const ts = this.now();
    const header: TranscriptEntry = {
      type: 'session',
      id: session.sessionId,
      ts,
      sessionId: session.sessionId,
      sessionKey: session.sessionKey,
      version: TRANSCRIPT_VERSION,
    };
    const rows: TranscriptEntry[] = [header];
    const inBatch = new Set<string>([header.id]);
    const repeated: string[] = [];
    for (const entry of entries) {
      if (inBatch.has(entry.id)) {
        repeated.push(entry.id);
        continue;
      }
      inBatch.add(entry.id);
      rows.push({ ...entry, ts: entry.ts ?? ts });
    }
    // One statement: the header (first append only) and the entries in order; rows whose
    // id the session already has are skipped by the primary key.
    const values: unknown[] = [session.sessionId];
    const tuples = rows.map((row, index) => {
      values.push(row.id, row.type, formatTranscriptLine(row).trimEnd());
      const base = 2 + index * 3;
      return `($1, $${base}, $${base + 1}, $${base + 2})`;
    });
    const result = await this.query<{ entry_id: string }>(
      `INSERT INTO clawdbot_transcript_entries (session_id, entry_id, kind, line)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (session_id, entry_id) DO NOTHING RETURNING entry_id`,
      values,
    );
    const written = new Set(result.rows.map((row) => row.entry_id));
    const appended: string[] = [];
    const skipped: string[] = [];
    for (const row of rows.slice(1)) (written.has(row.id) ? appended : skipped).push(row.id);
    return { appended, skipped: [...skipped, ...repeated] };
  }

  async readHistory(sessionId: string, options: { limit: number }): Promise<Message[]> {
    const entries = await this.readLast(sessionId, options.limit, ['message']);
    return entries.map((entry) => (entry as { message: Message }).message);
  }

  readEntries(sessionId: string, options: { limit: number }): Promise<TranscriptEntry[]> {
    return this.readLast(sessionId, options.limit, ['message', 'abort', 'error', 'compaction']);
  }

  async *entries(sessionId: string): AsyncGenerator<TranscriptEntry> {
    assertValidSessionId(sessionId);
    // Pages by seq, so a long transcript is not held in memory at once.
    let after = 0n;
    for (;;) {
      const page = await this.query<{ seq: string; line: string }>(
        `SELECT seq, line FROM clawdbot_transcript_entries WHERE session_id = $1 AND seq > $2
         ORDER BY seq LIMIT 500`,
        [sessionId, after.toString()],
      );
      for (const row of page.rows) {
        const entry = parseTranscriptLine(row.line);
        if (entry !== undefined) yield entry;
      }
      if (page.rows.length < 500) return;
      after = BigInt(page.rows[page.rows.length - 1]!.seq);
    }
  }

  async close(): Promise<void> {
    await (await this.pool).end();
  }

  private async readLast(
    sessionId: string,
    limit: number,
    kinds: string[],
  ): Promise<TranscriptEntry[]> {
    assertValidSessionId(sessionId);
    const count = Math.floor(limit);
    if (!(count > 0)) return [];
    const result = await this.query<{ line: string }>(
      `SELECT line FROM clawdbot_transcript_entries WHERE session_id = $1 AND kind = ANY($2)
       ORDER BY seq DESC LIMIT $3`,
      [sessionId, kinds, count],
    );
    return result.rows
      .map((row) => parseTranscriptLine(row.line))
      .filter((entry): entry is TranscriptEntry => entry !== undefined)
      .reverse();
  }

  private async query<Row extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values: unknown[],
  ): Promise<pg.QueryResult<Row>> {
    await this.init();
    try {
      return await (await this.pool).query<Row>(text, values);
    } catch (error) {
      throw this.storeError(error);
    }
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.init();
    return this.rawTransaction(work);
  }

  private async rawTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await (await this.pool).connect();
    } catch (error) {
      throw this.storeError(error);
    }
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error instanceof ClawdbotError ? error : this.storeError(error);
    } finally {
      client.release();
    }
  }

  private storeError(error: unknown): ClawdbotError {
    const message = error instanceof Error ? error.message : String(error);
    return new ClawdbotError(
      'UNAVAILABLE',
      `Sessions store ${this.location} failed: ${message || 'connection refused'}`,
      { store: this.location },
    );
  }
}

async function lockedRecord(
  client: pg.PoolClient,
  sessionKey: string,
): Promise<SessionIndexEntry | undefined> {
  const result = await client.query<{ record: string }>(
    'SELECT record FROM clawdbot_sessions WHERE session_key = $1 FOR UPDATE',
    [sessionKey],
  );
  return result.rows[0] && parseIndexRecord(result.rows[0].record, { sessionKey });
}

async function writeRecord(client: pg.PoolClient, entry: SessionIndexEntry): Promise<void> {
  await client.query(
    `INSERT INTO clawdbot_sessions (session_key, updated_at, record) VALUES ($1, $2, $3)
     ON CONFLICT (session_key) DO UPDATE SET updated_at = $2, record = $3`,
    [entry.sessionKey, entry.updatedAt, JSON.stringify(entry)],
  );
}
