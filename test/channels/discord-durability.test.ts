// Discord across crashes: `clawdbot gateway --no-worker` hosts the Discord account (real
// discord.js against the fake Discord) and `clawdbot worker` runs the turns, as child
// processes. A user who wrote once gets exactly one reply whichever process dies mid-turn.
import { setTimeout as sleep } from 'node:timers/promises';
import type { APIUser } from 'discord.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDiscordFake } from '../fakes/discord/server.js';
import type { DiscordFake } from '../fakes/discord/server.js';
import { startFakeLlmServer } from '../fakes/llm-server.js';
import type { FakeLlmServer } from '../fakes/llm-server.js';
import { startChannelProcesses } from '../helpers/channel-harness.js';
import type { ChannelProcessesHarness } from '../helpers/channel-harness.js';

let llm: FakeLlmServer;
let fake: DiscordFake;
let harness: ChannelProcessesHarness;
let alice: APIUser;
let bob: APIUser;

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}\n${harness?.gateway.output().slice(-4000)}`);
    }
    await sleep(100);
  }
}

const asked = (text: string) => llm.requests.filter((r) => r.userText.includes(text)).length;

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startDiscordFake();
  alice = fake.addUser('alice');
  bob = fake.addUser('bob');
  harness = await startChannelProcesses({
    temporalAddress: inject('temporalAddress'),
    llm,
    config: { agent: { id: 'discord-durable' }, session: { dmScope: 'per-channel-peer' } },
    channels: {
      discord: {
        token: fake.token,
        apiBase: fake.apiBase,
        dmPolicy: 'allowlist',
        allowFrom: [alice.id, bob.id],
      },
    },
  });
  await until(() => fake.connectedSessions() > 0, 'the gateway to connect to Discord');
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('Discord replies survive crashes', () => {
  it('the worker SIGKILLed mid-turn: exactly one reply once a new worker runs', async () => {
    const dm = fake.dmChannel(alice);
    // WAIT holds the model's first answer, so the worker dies while the LLM call is open.
    fake.userMessage({ channelId: dm.id, author: alice, content: 'WAIT 4000 survive the worker' });
    await until(() => asked('survive the worker') > 0, 'the LLM call');
    await harness.killWorker();
    harness.startWorker();
    const [reply] = await until(
      () =>
        fake.sent.filter((s) => s.channelId === dm.id).length > 0 &&
        fake.sent.filter((s) => s.channelId === dm.id),
      'the reply',
    );
    expect(reply!.content).toBe('echo: WAIT 4000 survive the worker');
    await sleep(2_000);
    expect(fake.sent.filter((s) => s.channelId === dm.id)).toHaveLength(1);
  });

  it('the gateway restarted mid-turn: exactly one reply, sent by the new gateway', async () => {
    const dm = fake.dmChannel(bob);
    const identified = fake.gateway.identifies;
    fake.userMessage({ channelId: dm.id, author: bob, content: 'WAIT 3000 survive the gateway' });
    await until(() => asked('survive the gateway') > 0, 'the LLM call');
    await harness.restartGateway();
    const [reply] = await until(
      () =>
        fake.sent.filter((s) => s.channelId === dm.id).length > 0 &&
        fake.sent.filter((s) => s.channelId === dm.id),
      'the reply',
    );
    expect(reply!.content).toBe('echo: WAIT 3000 survive the gateway');
    expect(fake.gateway.identifies).toBeGreaterThan(identified);
    await sleep(2_000);
    expect(fake.sent.filter((s) => s.channelId === dm.id)).toHaveLength(1);
  });
});
