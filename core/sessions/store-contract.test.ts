/**
 * One contract, two stores: what the runtime relies on from a SessionStore holds for the
 * files on one host and for PostgreSQL shared by a cluster (a real server, started here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type RunningPostgres } from '../../test/helpers/postgres.js';
import { ClawdbotError } from '../errors.js';
import type { Message } from '../messages.js';
import { PostgresSessionStore } from './postgres-store.js';
import { createSessionStore, type SessionStore } from './store.js';
import type { NewTranscriptEntry } from './transcript-entry.js';

const user = (runId: string, text: string): NewTranscriptEntry => ({
  type: 'message',
  id: `${runId}:user`,
  runId,
  message: { role: 'user', content: [{ type: 'text', text }], timestamp: 1 } as Message,
});

let postgres: RunningPostgres;
const dirs: string[] = [];
const opened: SessionStore[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(async () => {
  for (const store of opened) await store.close();
  await postgres?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const kinds: [string, () => SessionStore][] = [
  [
    'files',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'clawdbot-store-'));
      dirs.push(dir);
      return createSessionStore(dir, { fsync: false });
    },
  ],
  ['PostgreSQL', () => new PostgresSessionStore(postgres.url('clawdbot'))],
];

describe.each(kinds)('session store on %s', (_name, make) => {
  const open = () => {
    const store = make();
    opened.push(store);
    return store;
  };
  // Each test uses keys of its own: the PostgreSQL database is shared by the file.
  const key = () => `agent:contract:${randomUUID()}`;

  it('ensure creates one record, keeps its host, and a second store sees it', async () => {
    const store = open();
    await store.ready();
    const sessionKey = key();
    const created = await store.ensure(sessionKey, { channel: 'webchat', host: 'host-a' });
    expect(created).toMatchObject({ sessionKey, channel: 'webchat', host: 'host-a' });
    const again = await store.ensure(sessionKey, { channel: 'other', host: 'host-b' });
    expect(again.sessionId).toBe(created.sessionId);
    expect(again.host).toBe('host-a');
    expect(await store.get(sessionKey)).toEqual(created);
  });

  it('concurrent ensures converge on one session id', async () => {
    const store = open();
    const sessionKey = key();
    const ids = await Promise.all(
      Array.from({ length: 20 }, () => store.ensure(sessionKey).then((entry) => entry.sessionId)),
    );
    expect(new Set(ids).size).toBe(1);
  });

  it('appends in order, skips ids it has, and reads history and entries back', async () => {
    const store = open();
    const sessionKey = key();
    const { sessionId } = await store.ensure(sessionKey);
    const session = { sessionId, sessionKey };
    const first = await store.append(session, [user('r1', 'one'), user('r1', 'dup')]);
    expect(first).toEqual({ appended: ['r1:user'], skipped: ['r1:user'] });
    const retried = await store.append(session, [
      user('r1', 'one again'),
      user('r2', 'two'),
      { type: 'abort', id: 'r2:abort', runId: 'r2', reason: 'user' },
    ]);
    expect(retried).toEqual({ appended: ['r2:user', 'r2:abort'], skipped: ['r1:user'] });

    const history = await store.readHistory(sessionId, { limit: 10 });
    expect(history.map((message) => (message.content[0] as { text: string }).text)).toEqual([
      'one',
      'two',
    ]);
    expect(await store.readHistory(sessionId, { limit: 1 })).toHaveLength(1);
    const entries = await store.readEntries(sessionId, { limit: 10 });
    expect(entries.map((entry) => entry.id)).toEqual(['r1:user', 'r2:user', 'r2:abort']);
    const all = [];
    for await (const entry of store.entries(sessionId)) all.push(entry);
    expect(all[0]).toMatchObject({ type: 'session', sessionId, sessionKey });
    expect(all.map((entry) => entry.type)).toEqual(['session', 'message', 'message', 'abort']);
  });

  it('entries of a long transcript come back complete and in order', async () => {
    const store = open();
    const sessionKey = key();
    const { sessionId } = await store.ensure(sessionKey);
    for (let batch = 0; batch < 12; batch++) {
      await store.append(
        { sessionId, sessionKey },
        Array.from({ length: 100 }, (_, index) => user(`run-${batch * 100 + index}`, 'x')),
      );
    }
    const ids = [];
    for await (const entry of store.entries(sessionId)) ids.push(entry.id);
    expect(ids).toHaveLength(1201);
    expect(ids[1]).toBe('run-0:user');
    expect(ids[1200]).toBe('run-1199:user');
  });

  it('touch updates usage only for the current session id', async () => {
    const store = open();
    const sessionKey = key();
    const { sessionId } = await store.ensure(sessionKey);
    expect(await store.touch(key())).toBeUndefined();
    const touched = await store.touch(sessionKey, {
      sessionId,
      tokens: { input: 10, output: 5 },
      messageCount: 2,
    });
    expect(touched).toMatchObject({ inputTokens: 10, outputTokens: 5, totalTokens: 15 });
    expect(await store.touch(sessionKey, { sessionId: 'not-the-id' })).toBeUndefined();
  });

  it('reset gives a new id, keeps host and the old transcript; delete forgets the key', async () => {
    const store = open();
    const sessionKey = key();
    const before = await store.ensure(sessionKey, { host: 'host-b', label: 'mine' });
    await store.append({ sessionId: before.sessionId, sessionKey }, [user('r1', 'old')]);
    const { entry, previous } = await store.reset(sessionKey);
    expect(previous?.sessionId).toBe(before.sessionId);
    expect(entry.sessionId).not.toBe(before.sessionId);
    expect(entry).toMatchObject({ host: 'host-b', label: 'mine' });
    expect(await store.readHistory(before.sessionId, { limit: 5 })).toHaveLength(1);
    expect(await store.delete(sessionKey)).toBe(true);
    expect(await store.delete(sessionKey)).toBe(false);
    expect(await store.get(sessionKey)).toBeUndefined();
  });

  it('patch sets and clears a label and moves the host; unknown keys are undefined', async () => {
    const store = open();
    const sessionKey = key();
    const created = await store.ensure(sessionKey, { host: 'host-a', label: 'old' });
    const moved = await store.patch(sessionKey, { host: 'host-b', label: null });
    expect(moved).toMatchObject({ sessionId: created.sessionId, host: 'host-b' });
    expect(moved?.label).toBeUndefined();
    expect(await store.get(sessionKey)).toEqual(moved);
    expect(await store.patch(key(), { label: 'x' })).toBeUndefined();
  });

  it('lists newest first with limit and activeMinutes', async () => {
    let now = 1_000_000;
    const store =
      _name === 'files'
        ? (() => {
            const dir = mkdtempSync(join(tmpdir(), 'clawdbot-store-'));
            dirs.push(dir);
            return createSessionStore(dir, { fsync: false, now: () => now });
          })()
        : new PostgresSessionStore(postgres.url('clawdbot'), { now: () => now });
    opened.push(store);
    const prefix = `agent:list${randomUUID().slice(0, 8)}`;
    for (let index = 0; index < 3; index++) {
      now += 60_000;
      await store.ensure(`${prefix}:s${index}`);
    }
    const mine = (await store.list()).filter((entry) => entry.sessionKey.startsWith(prefix));
    expect(mine.map((entry) => entry.sessionKey)).toEqual([
      `${prefix}:s2`,
      `${prefix}:s1`,
      `${prefix}:s0`,
    ]);
    const recent = (await store.list({ activeMinutes: 1.5 })).filter((entry) =>
      entry.sessionKey.startsWith(prefix),
    );
    expect(recent.map((entry) => entry.sessionKey)).toEqual([`${prefix}:s2`, `${prefix}:s1`]);
    expect(await store.list({ limit: 1 })).toHaveLength(1);
  });

  it('rejects invalid keys, ids and entry ids with INVALID_REQUEST', async () => {
    const store = open();
    await expect(store.ensure('')).rejects.toBeInstanceOf(ClawdbotError);
    await expect(store.readHistory('../etc', { limit: 1 })).rejects.toBeInstanceOf(ClawdbotError);
    const sessionKey = key();
    const { sessionId } = await store.ensure(sessionKey);
    await expect(
      store.append({ sessionId, sessionKey }, [{ ...user('r', 'x'), id: '' }]),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});

describe('PostgreSQL store failures', () => {
  it('an unreachable database is UNAVAILABLE and names the server without its password', async () => {
    const store = new PostgresSessionStore('postgres://u:secret-pw@127.0.0.1:1/none');
    const failure = await store.ready().catch((error: unknown) => error);
    await store.close();
    expect(failure).toMatchObject({ code: 'UNAVAILABLE' });
    expect((failure as Error).message).toContain('127.0.0.1:1');
    expect((failure as Error).message).not.toContain('secret-pw');
  });
});
