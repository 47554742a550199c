import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../paths.js';
import { createSessionStore } from './store.js';

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'clawdbot-index-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

const key = 'agent:main:telegram:dm:123';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000): { now: () => number; set: (value: number) => void } {
  let value = start;
  return { now: () => value, set: (next) => (value = next) };
}

// Start `count` node processes that each call ensure(key) once all of them are ready,
// so the exclusive-create race really happens across processes.
async function ensureFromProcesses(count: number): Promise<string[]> {
  const storeUrl = pathToFileURL(join(packageRoot, 'core/sessions/store.ts')).href;
  const script = `
    const { createSessionStore } = await import(${JSON.stringify(storeUrl)});
    const store = createSessionStore(${JSON.stringify(stateDir)});
    process.stdout.write('ready\\n');
    process.stdin.once('data', async () => {
      const entry = await store.ensure(${JSON.stringify(key)});
      process.stdout.write(entry.sessionId + '\\n');
      process.exit(0);
    });`;
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: packageRoot,
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const outputs = children.map((child) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const ready = new Promise<void>((resolve) => {
      const check = (): void => {
        if (text.includes('ready\n')) resolve();
        else child.stdout.once('data', check);
      };
      check();
    });
    const done = new Promise<string>((resolve, reject) => {
      child.once('exit', (code) =>
        code === 0 ? resolve(text) : reject(new Error(`child exited ${code}`)),
      );
    });
    return { ready, done };
  });
  await Promise.all(outputs.map((output) => output.ready));
  for (const child of children) child.stdin.write('go\n');
  const texts = await Promise.all(outputs.map((output) => output.done));
  return texts.map((text) => text.replace('ready\n', '').trim());
}

describe('sessions index', () => {
  it('ensure creates a record once and returns it afterwards', async () => {
    const store = createSessionStore(stateDir, { now: () => 5 });
    expect(await store.get(key)).toBeUndefined();
    const created = await store.ensure(key, { channel: 'telegram' });
    expect(created).toMatchObject({
      sessionKey: key,
      createdAt: 5,
      updatedAt: 5,
      totalTokens: 0,
      channel: 'telegram',
    });
    expect(await store.ensure(key)).toEqual(created);
    expect(await createSessionStore(stateDir).get(key)).toEqual(created);
  });

  it('concurrent ensure from many store instances converges on one id', async () => {
    const stores = Array.from({ length: 10 }, () => createSessionStore(stateDir));
    const entries = await Promise.all(stores.map((store) => store.ensure(key)));
    expect(new Set(entries.map((entry) => entry.sessionId)).size).toBe(1);
    // No temp files are left behind.
    expect(await readdir(join(stateDir, 'sessions', 'index'))).toHaveLength(1);
  });

  it(
    'concurrent ensure from separate processes converges on one id',
    { timeout: 60_000 },
    async () => {
      const ids = await ensureFromProcesses(4);
      expect(ids).toHaveLength(4);
      expect(new Set(ids).size).toBe(1);
      expect((await createSessionStore(stateDir).get(key))?.sessionId).toBe(ids[0]);
    },
  );

  it('touch records the latest usage and ignores stale or unknown sessions', async () => {
    const clock = manualClock();
    const store = createSessionStore(stateDir, { now: clock.now });
    const { sessionId } = await store.ensure(key);
    clock.set(2_000_000);
    const touched = await store.touch(key, {
      sessionId,
      tokens: { input: 10, output: 5 },
      messageCount: 2,
      label: 'Bob',
    });
    expect(touched).toMatchObject({
      updatedAt: 2_000_000,
      inputTokens: 10,
      outputTokens: 5,
      totalTokens: 15,
      messageCount: 2,
      label: 'Bob',
    });
    // Replaces, not adds: a retried touch changes nothing.
    expect(await store.touch(key, { sessionId, tokens: { input: 10, output: 5 } })).toMatchObject({
      totalTokens: 15,
    });
    expect(await store.touch(key, { sessionId: 'some-older-session' })).toBeUndefined();
    expect(await store.touch('agent:main:nobody')).toBeUndefined();
    expect(await store.get('agent:main:nobody')).toBeUndefined();
  });

  it('reset gives a new id and keeps the old transcript readable by id', async () => {
    const store = createSessionStore(stateDir);
    const before = await store.ensure(key, { label: 'Bob' });
    await store.append(before, [
      {
        type: 'message',
        id: 'r1:user',
        runId: 'r1',
        message: { role: 'user', content: [{ type: 'text', text: 'old' }], timestamp: 1 },
      },
    ]);

    const { entry, previous } = await store.reset(key);
    expect(previous).toEqual(before);
    expect(entry.sessionId).not.toBe(before.sessionId);
    expect(entry).toMatchObject({ label: 'Bob', totalTokens: 0 });
    expect(await store.get(key)).toEqual(entry);
    expect(await store.readHistory(entry.sessionId, { limit: 10 })).toEqual([]);
    expect(await store.readHistory(before.sessionId, { limit: 10 })).toMatchObject([
      { content: [{ text: 'old' }] },
    ]);
  });

  it('lists newest first, with limit and activeMinutes', async () => {
    const clock = manualClock(0);
    const store = createSessionStore(stateDir, { now: clock.now });
    for (const [name, minute] of [
      ['a', 1],
      ['b', 30],
      ['c', 10],
      ['d', 59],
    ] as const) {
      clock.set(minute * 60_000);
      await store.ensure(`agent:main:${name}`);
    }
    clock.set(60 * 60_000);
    await store.touch('agent:main:a'); // now the most recent
    const keys = async (options?: { limit?: number; activeMinutes?: number }): Promise<string[]> =>
      (await store.list(options)).map((entry) => entry.sessionKey);
    expect(await keys()).toEqual(['agent:main:a', 'agent:main:d', 'agent:main:b', 'agent:main:c']);
    expect(await keys({ limit: 2 })).toEqual(['agent:main:a', 'agent:main:d']);
    expect(await keys({ activeMinutes: 30 })).toEqual([
      'agent:main:a',
      'agent:main:d',
      'agent:main:b',
    ]);
    expect(await createSessionStore(join(stateDir, 'empty')).list()).toEqual([]);
  });

  it('delete removes the record and moves the transcript to deleted/', async () => {
    const store = createSessionStore(stateDir);
    const entry = await store.ensure(key);
    await store.append(entry, [{ type: 'abort', id: 'r1:abort', runId: 'r1', reason: 'test' }]);
    expect(await store.delete(key)).toBe(true);
    expect(await store.get(key)).toBeUndefined();
    expect(
      (await stat(join(stateDir, 'sessions', 'deleted', entry.sessionId, 'transcript.jsonl'))).size,
    ).toBeGreaterThan(0);
    expect(await store.readEntries(entry.sessionId, { limit: 5 })).toEqual([]);
    expect(await store.delete(key)).toBe(false);
    expect((await store.ensure(key)).sessionId).not.toBe(entry.sessionId);
  });

  it('reads a record again as soon as another store (another process) replaced it', async () => {
    // Each store keeps the records it read; the file's version decides whether they still hold.
    const mine = createSessionStore(stateDir);
    const other = createSessionStore(stateDir);
    const first = await mine.ensure(key);
    expect((await mine.get(key))?.sessionId).toBe(first.sessionId);
    const { entry } = await other.reset(key);
    expect((await mine.get(key))?.sessionId).toBe(entry.sessionId);
    await other.touch(key, { sessionId: entry.sessionId, tokens: { input: 7, output: 3 } });
    expect(await mine.get(key)).toMatchObject({ inputTokens: 7, outputTokens: 3 });
    // A touch starts from the record as it is now, not as this store last saw it.
    await mine.touch(key, { sessionId: entry.sessionId, messageCount: 4 });
    expect(await other.get(key)).toMatchObject({ inputTokens: 7, messageCount: 4 });
    // What get returns is the caller's to change.
    const got = (await mine.get(key))!;
    got.label = 'changed by the caller';
    expect((await mine.get(key))?.label).toBeUndefined();
    await other.index.remove(key);
    expect(await mine.get(key)).toBeUndefined();
  });

  it('rejects invalid keys and reports corrupt records', async () => {
    const store = createSessionStore(stateDir);
    await expect(store.ensure('')).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(store.get('agent:main:\n')).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(store.touch(`agent:main:${'x'.repeat(300)}`)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await store.ensure(key);
    await writeFile(store.index.pathOf(key), '{"sessionId": 42}');
    await expect(store.get(key)).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
