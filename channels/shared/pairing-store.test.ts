import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createPairingStore,
  PAIRING_CODE_ALPHABET,
  PAIRING_TTL_MS,
  type PairingStore,
} from './pairing-store.js';

let stateDir: string;
let clock: number;
let store: PairingStore;
const open = () => createPairingStore({ stateDir, now: () => clock });

beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'clawdbot-pairing-'));
  clock = Date.parse('2026-01-01T00:00:00Z');
  store = open();
});

afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

const created = async (channel: string, sender: string) => {
  const result = await store.request(channel, sender);
  if (!('code' in result)) throw new Error('channel full');
  return result;
};

describe('pairing store', () => {
  it('creates an 8-character code without 0/O/1/I, in OpenClaw’s file format', async () => {
    const result = await created('telegram', '111');
    expect(result.created).toBe(true);
    expect(result.code).toMatch(new RegExp(`^[${PAIRING_CODE_ALPHABET}]{8}$`));
    expect(result.code).not.toMatch(/[01OI]/);
    const file = JSON.parse(
      await readFile(join(stateDir, 'credentials', 'telegram-pairing.json'), 'utf8'),
    ) as unknown;
    expect(file).toEqual({
      version: 1,
      requests: [
        {
          id: '111',
          code: result.code,
          createdAt: '2026-01-01T00:00:00.000Z',
          lastSeenAt: '2026-01-01T00:00:00.000Z',
          meta: {},
        },
      ],
    });
  });

  it('gives a sender who writes again the same code, not created, so it is sent once', async () => {
    const first = await created('telegram', '111');
    clock += 60_000;
    const again = await store.request('telegram', '111', { name: 'Ann' });
    expect(again).toEqual({ code: first.code, created: false });
    const [request] = await store.list('telegram');
    expect(request).toMatchObject({
      lastSeenAt: '2026-01-01T00:01:00.000Z',
      meta: { name: 'Ann' },
    });
  });

  it('keeps at most 3 pending requests per channel until they expire after an hour', async () => {
    for (const sender of ['1', '2', '3']) await created('telegram', sender);
    expect(await store.request('telegram', '4')).toEqual({ full: true });
    expect((await store.request('discord', '4')) as object).toHaveProperty('created', true);
    clock += PAIRING_TTL_MS + 1;
    expect(await store.list('telegram')).toEqual([]);
    expect(await store.request('telegram', '4')).toMatchObject({ created: true });
  });

  it('approves by code: the sender joins allowFrom and the request goes away', async () => {
    const { code } = await created('telegram', '111');
    await created('telegram', '222');
    expect(await store.approve('telegram', 'WRONGCOD')).toBeUndefined();
    const approved = await store.approve('telegram', ` ${code.toLowerCase()} `);
    expect(approved).toMatchObject({ id: '111', code });
    expect(await store.allowFrom('telegram')).toEqual(['111']);
    expect((await store.list('telegram')).map((request) => request.id)).toEqual(['222']);
    expect(await store.approve('telegram', code)).toBeUndefined();
    const file = JSON.parse(
      await readFile(join(stateDir, 'credentials', 'telegram-allowFrom.json'), 'utf8'),
    ) as unknown;
    expect(file).toEqual({ version: 1, allowFrom: ['111'] });
  });

  it('does not approve an expired code', async () => {
    const { code } = await created('telegram', '111');
    clock += PAIRING_TTL_MS + 1;
    expect(await store.approve('telegram', code)).toBeUndefined();
    expect(await store.allowFrom('telegram')).toEqual([]);
  });

  it('lists every channel when none is named', async () => {
    await created('telegram', '1');
    await created('slack', 'U2');
    const all = await store.list();
    expect(all.map((request) => [request.channel, request.id])).toEqual([
      ['slack', 'U2'],
      ['telegram', '1'],
    ]);
    expect(await createPairingStore({ stateDir: join(stateDir, 'none') }).list()).toEqual([]);
  });

  it('loses no approval when several writers race (separate stores share only the lock file)', async () => {
    const codes = await Promise.all(['1', '2', '3'].map((sender) => created('telegram', sender)));
    await Promise.all(codes.map(({ code }) => open().approve('telegram', code)));
    expect((await store.allowFrom('telegram')).sort()).toEqual(['1', '2', '3']);
    const results = await Promise.all(
      ['4', '5', '6', '7', '8', '9'].map((sender) => open().request('telegram', sender)),
    );
    expect(results.filter((result) => 'code' in result && result.created)).toHaveLength(3);
    expect(results.filter((result) => 'full' in result)).toHaveLength(3);
  });

  it('serializes writers in different processes', async () => {
    const script = `
      import { createPairingStore } from ${JSON.stringify(join(import.meta.dirname, 'pairing-store.ts'))};
      const store = createPairingStore({ stateDir: process.argv[1] });
      for (let i = 0; i < 5; i += 1) {
        const sender = process.argv[2] + '-' + i;
        const result = await store.request('telegram', sender);
        await store.approve('telegram', result.code);
      }`;
    const run = (prefix: string) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', script, stateDir, prefix],
          { stdio: ['ignore', 'ignore', 'inherit'] },
        );
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
      });
    await Promise.all([run('a'), run('b')]);
    const approved = await store.allowFrom('telegram');
    expect(approved).toHaveLength(10);
    expect(await store.list('telegram')).toEqual([]);
  });

  it('takes over a stale lock and waits for a live one', async () => {
    const lock = join(stateDir, 'credentials', 'telegram.lock');
    await mkdir(join(stateDir, 'credentials'), { recursive: true });
    await writeFile(lock, '999999\n');
    const past = new Date(Date.now() - 20_000);
    await utimes(lock, past, past);
    expect(await store.request('telegram', '1')).toMatchObject({ created: true });
    await writeFile(lock, '999999\n');
    const impatient = createPairingStore({ stateDir, lockTimeoutMs: 100 });
    await expect(impatient.request('telegram', '2')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('refuses channel ids that are not names, and a damaged allowFrom file', async () => {
    await expect(store.request('../etc', '1')).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await mkdir(join(stateDir, 'credentials'), { recursive: true });
    await writeFile(join(stateDir, 'credentials', 'slack-allowFrom.json'), '{"allowFrom":"x"}');
    await expect(store.allowFrom('slack')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
