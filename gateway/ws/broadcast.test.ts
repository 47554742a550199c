import { afterEach, describe, expect, it } from 'vitest';
import {
  presenceEventSchema,
  shutdownEventSchema,
  tickEventSchema,
  type EventFrame,
} from '../../core/protocol/index.js';
import { startTestGateway, TestClient, type TestGateway } from './test-harness.js';

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

const broadcasts = (client: TestClient) =>
  client.frames.filter(
    (frame): frame is EventFrame => frame.type === 'event' && frame.seq !== undefined,
  );

describe('broadcast events', () => {
  it('sends tick keepalives and numbers every broadcast with a strictly increasing seq', async () => {
    gateway = await startTestGateway({ ws: { tickIntervalMs: 20, healthIntervalMs: 30 } });
    const { client } = await TestClient.connected(gateway.url);
    const other = await TestClient.connected(gateway.url);
    await client.next(
      () => broadcasts(client).filter((frame) => frame.event === 'tick').length >= 3,
    );
    await client.next(() => broadcasts(client).some((frame) => frame.event === 'health'));
    other.client.close();
    await client.next(
      () => broadcasts(client).filter((frame) => frame.event === 'presence').length >= 2,
    );

    const frames = broadcasts(client);
    const seqs = frames.map((frame) => frame.seq!);
    // Every client sees every broadcast, so its seqs are consecutive: a gap means a loss.
    expect(seqs).toEqual(seqs.map((_, index) => seqs[0]! + index));
    tickEventSchema.parse(frames.find((frame) => frame.event === 'tick')!.payload);
    const health = frames.find((frame) => frame.event === 'health')!;
    expect(health.stateVersion).toEqual({
      presence: expect.any(Number) as unknown,
      health: expect.any(Number) as unknown,
    });
    // Responses never carry a seq.
    expect(client.frames.filter((frame) => frame.type === 'res' && 'seq' in frame)).toEqual([]);
    client.close();
  });

  it('broadcasts presence when clients come and go', async () => {
    gateway = await startTestGateway();
    const { client } = await TestClient.connected(gateway.url);
    const second = await TestClient.connected(gateway.url, {
      client: { id: 'cli', version: '2.0.0', platform: 'linux', mode: 'cli', instanceId: 'second' },
    });
    const instances = (frame: EventFrame) =>
      presenceEventSchema.parse(frame.payload).presence.map((entry) => entry.instanceId);
    const isPresence = (frame: { type: string; event?: string }): frame is EventFrame =>
      frame.type === 'event' && frame.event === 'presence';
    const joined = (await client.next(
      (frame) => isPresence(frame) && instances(frame).includes('second'),
    )) as EventFrame;
    expect(joined.stateVersion?.presence).toBeGreaterThan(0);
    second.client.close();
    const left = (await client.next(
      (frame) =>
        isPresence(frame) && frame.seq! > joined.seq! && !instances(frame).includes('second'),
    )) as EventFrame;
    expect(left.stateVersion!.presence).toBeGreaterThan(joined.stateVersion!.presence);
    client.close();
  });

  it('sends shutdown and closes every socket with 1012 when the app closes', async () => {
    gateway = await startTestGateway();
    const { client } = await TestClient.connected(gateway.url);
    const pending = await TestClient.open(gateway.url);
    await gateway.app.wsGateway.shutdown({ reason: 'restart', restartExpectedMs: 1500 });
    const shutdown = await client.event('shutdown');
    expect(shutdownEventSchema.parse(shutdown.payload)).toEqual({
      reason: 'restart',
      restartExpectedMs: 1500,
    });
    expect((await client.closed).code).toBe(1012);
    expect((await pending.closed).code).toBe(1012);
    // app.close() after an explicit shutdown is still clean.
    await gateway.close();
    gateway = undefined;
  });

  it('shuts down on app.close() with a default reason', async () => {
    gateway = await startTestGateway();
    const { client } = await TestClient.connected(gateway.url);
    await gateway.close();
    gateway = undefined;
    expect((await client.event('shutdown')).payload).toEqual({ reason: 'gateway stopping' });
    expect((await client.closed).code).toBe(1012);
  });
});
