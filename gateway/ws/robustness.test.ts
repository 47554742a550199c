import { afterEach, describe, expect, it } from 'vitest';
import {
  startTestGateway,
  TestClient,
  type ServerFrame,
  type TestGateway,
} from './test-harness.js';

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** A seeded PRNG (mulberry32), so a failing frame can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METHODS = [
  'health',
  'status',
  'config.patch',
  'sessions.reset',
  'chat.send',
  'agent',
  'send',
  'connect',
  'x',
  '',
];

/** Thousands of frames a broken or hostile client might send. */
function* hostileFrames(count: number, next: () => number): Generator<string | Buffer> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const value = (depth: number): unknown => {
    const kind = Math.floor(next() * (depth > 3 ? 5 : 8));
    if (kind === 0) return null;
    if (kind === 1) return next() * 1e6 - 5e5;
    if (kind === 2)
      return pick(['', 'main', 'agent:main:main', '\u0000', 'é'.repeat(50), 'x'.repeat(2000)]);
    if (kind === 3) return next() < 0.5;
    if (kind === 4) return pick([Number.MAX_SAFE_INTEGER, -1, 0.5, 1e308]);
    if (kind === 5) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
    const object: Record<string, unknown> = {};
    for (const key of [
      'sessionKey',
      'message',
      'idempotencyKey',
      'raw',
      'key',
      'to',
      'limit',
      '__proto__',
    ]) {
      if (next() < 0.4) object[key] = value(depth + 1);
    }
    return object;
  };
  for (let index = 0; index < count; index++) {
    const kind = Math.floor(next() * 9);
    if (kind === 0)
      yield Buffer.from(
        Array.from({ length: 1 + Math.floor(next() * 64) }, () => Math.floor(next() * 256)),
      );
    else if (kind === 1)
      yield pick(['', '{', '[]', 'null', '"req"', '{"type":"req"', '1e999', '{"a":1}{']);
    else if (kind === 2) yield JSON.stringify(value(0));
    else if (kind === 3) yield '['.repeat(20_000) + ']'.repeat(20_000);
    else if (kind === 4)
      yield JSON.stringify({
        type: 'req',
        id: 'big',
        method: 'health',
        params: { pad: 'y'.repeat(400_000) },
      });
    else {
      const frame: Record<string, unknown> = { type: pick(['req', 'req', 'res', 'event', 5]) };
      if (next() < 0.85) frame.id = pick([`id-${index}`, '', 7, null, 'i'.repeat(300)]);
      if (next() < 0.9) frame.method = pick(METHODS);
      if (next() < 0.8) frame.params = value(0);
      yield JSON.stringify(frame);
    }
  }
}

describe('robustness', () => {
  it('answers thousands of hostile frames with one error response each and keeps serving', async () => {
    gateway = await startTestGateway({ ws: { rateLimit: { perSecond: 1e9, burst: 1e9 } } });
    let { client } = await TestClient.connected(gateway.url);
    const next = random(42);
    let answered = 0;
    let closes = 0;
    for (const frame of hostileFrames(3000, next)) {
      const response = client.upcoming((f) => f.type === 'res');
      response.catch(() => undefined); // the socket may close instead
      client.sendRaw(frame);
      const outcome = await Promise.race([response, client.closed.then(() => 'closed' as const)]);
      if (outcome !== 'closed') {
        answered += 1;
        // Never an unexpected internal error: bad input is the client's fault.
        expect(outcome.type === 'res' && !outcome.ok && outcome.error?.code).not.toBe('INTERNAL');
      } else {
        closes += 1;
        ({ client } = await TestClient.connected(gateway.url));
      }
    }
    expect(answered + closes).toBe(3000);
    expect(closes).toBe(0);
    const health = await client.request('health');
    expect(health.ok).toBe(true);
    client.close();
  });

  it('answers frames without a usable id with a response whose id is "invalid"', async () => {
    gateway = await startTestGateway();
    const { client } = await TestClient.connected(gateway.url);
    for (const raw of [
      '{oops',
      '42',
      '[]',
      '{"type":"req","method":"health"}',
      '{"type":"req","id":"","method":"health"}',
    ]) {
      const response = client.upcoming((frame) => frame.type === 'res');
      client.sendRaw(raw);
      expect(await response, raw).toMatchObject({
        id: 'invalid',
        ok: false,
        error: {
          code: 'INVALID_REQUEST',
          message: expect.stringMatching(/^invalid request frame/) as unknown,
        },
      });
    }
    // A frame with an id but the wrong type is answered on that id.
    client.send({ type: 'event', id: 'e1', event: 'x' });
    expect(await client.response('e1')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    client.close();
  });

  it('closes with 1009 on a frame over 512 KiB, and others keep working', async () => {
    gateway = await startTestGateway();
    const { client } = await TestClient.connected(gateway.url);
    client.sendRaw('z'.repeat(512 * 1024 + 1));
    expect((await client.closed).code).toBe(1009);
    const other = await TestClient.connected(gateway.url);
    expect((await other.client.request('status')).ok).toBe(true);
    other.client.close();
  });

  it('closes every connection whose first frame is hostile, never hangs or crashes', async () => {
    gateway = await startTestGateway();
    const next = random(7);
    const codes = new Set<number>();
    for (const frame of hostileFrames(150, next)) {
      const client = await TestClient.open(gateway.url);
      await client.event('connect.challenge');
      client.sendRaw(frame);
      codes.add((await client.closed).code);
    }
    expect([...codes].every((code) => [1002, 1008, 1009].includes(code))).toBe(true);
    const { client } = await TestClient.connected(gateway.url);
    expect((await client.request('health')).ok).toBe(true);
    client.close();
  });

  it('cuts off a client that stops reading with 1008 while another keeps receiving', async () => {
    gateway = await startTestGateway({ ws: { closeGraceMs: 20_000 } });
    const reader = (await TestClient.connected(gateway.url)).client;
    const slow = (
      await TestClient.connected(gateway.url, {
        client: { id: 'test', version: '1', platform: 'linux', mode: 'test', instanceId: 'slow' },
      })
    ).client;
    const hasSlow = (frame: ServerFrame) => JSON.stringify(frame).includes('"slow"');
    const isPresence = (frame: ServerFrame) => frame.type === 'event' && frame.event === 'presence';
    const slowJoined = await reader.next((frame) => isPresence(frame) && hasSlow(frame));
    const isSlowGone = (frame: ServerFrame) =>
      isPresence(frame) &&
      reader.frames.indexOf(frame) > reader.frames.indexOf(slowJoined) &&
      !hasSlow(frame);
    slow.socket.pause();
    const text = 'w'.repeat(200 * 1024);
    let published = 0;
    while (!reader.frames.some(isSlowGone) && published < 400) {
      published += 1;
      gateway.bus.publish({
        runId: 'flood',
        sessionKey: 'agent:main:main',
        turnId: 'turn:flood',
        ts: Date.now(),
        part: { type: 'text-delta', step: 1, delta: 'w', text },
      });
      // The reader keeps up: it has both events of this publish before the next one.
      const count = () =>
        reader.frames.filter((f) => f.type === 'event' && f.event === 'chat').length;
      await reader.next(() => count() >= published, 10_000);
    }
    expect(reader.frames.some(isSlowGone)).toBe(true);
    // Dropping a client mid-broadcast does not reorder what the others receive.
    const seqs = reader.frames.flatMap((frame) =>
      frame.type === 'event' && frame.seq !== undefined ? [frame.seq] : [],
    );
    expect(seqs).toEqual(seqs.map((_, index) => seqs[0]! + index));
    const status = await reader.request('status');
    expect(status.payload).toMatchObject({ connections: 1 });
    slow.socket.resume();
    expect(await slow.closed).toEqual({ code: 1008, reason: 'slow consumer' });
    reader.close();
  });
});
