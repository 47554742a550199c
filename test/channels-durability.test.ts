import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { startChannelGateway, type ChannelGatewayHarness } from './helpers/channel-harness.js';
import { createTestChannel, type TestChannel } from './helpers/test-channel.js';

// Replies survive the processes around them: the gateway (which hosts the channel and
// its delivery queue) restarted while a turn runs, the worker SIGKILLed mid-turn. Also
// the webhook routes channels add on the gateway's port, and draft streaming from the
// event bus of a worker in another process.

let llm: FakeLlmServer;
let channel: TestChannel;
let harness: ChannelGatewayHarness;

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 150_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const textsTo = (chatId: string) =>
  channel.sends.filter((send) => send.op === 'text' && send.target.chatId === chatId);

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  channel = createTestChannel();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [channel.plugin],
    worker: 'child',
    config: { agent: { id: 'chdur' }, session: { dmScope: 'per-channel-peer' } },
    channels: {
      testchat: {
        token: 't',
        dmPolicy: 'open',
        allowFrom: ['*'],
        accounts: {
          default: {},
          drafts: { streamMode: 'partial' },
          hook: { webhookPath: '/test-hook' },
        },
      },
    },
  });
  await until(() => channel.startAttempts.get('hook'), 'the accounts to start');
});

afterAll(async () => {
  await harness?.close();
  await llm?.close();
});

describe('channel delivery across process restarts', () => {
  it('a webhook route added while the gateway listens gets the raw body', async () => {
    const body = JSON.stringify({ senderId: 'hooked', text: 'via webhook', id: 'w1' });
    const response = await fetch(`${harness.url}/test-hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-length': String(body.length) },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, outcome: { status: 'accepted' } });
    await until(() => textsTo('hooked').length > 0, 'the reply');
    expect(textsTo('hooked')[0]!.text).toBe('echo: via webhook');
    // The first turn also waits for the child worker to start: slow on a loaded machine.
  }, 180_000);

  // Before the restart test: a restarted gateway gets the worker's event stream back only
  // once the worker reconnects, and the draft would then show up late.
  it('streams a draft that the final delivery edits into the reply', async () => {
    llm.scriptFor('stream a draft', [
      { kind: 'slow', text: 'one two three four five six seven', chunkDelayMs: 400 },
    ]);
    await channel.inject('drafts', { senderId: 'drafty', text: 'stream a draft' });
    await until(
      () =>
        channel.sends.find(
          (send) =>
            send.op === 'edit' &&
            send.target.chatId === 'drafty' &&
            send.text === 'one two three four five six seven' &&
            send.formatted,
        ),
      'the final edit',
    );
    const texts = textsTo('drafty');
    expect(texts).toHaveLength(1);
    expect(texts[0]!.deliveryId).toMatch(/:draft$/);
    const edits = channel.sends.filter(
      (send) => send.op === 'edit' && send.target.chatId === 'drafty',
    );
    expect(edits.length).toBeGreaterThanOrEqual(2);
    // At most one draft update a second (the final edit is the delivery, not a draft update).
    const drafts = edits.filter((edit) => !edit.formatted);
    for (let index = 1; index < drafts.length; index++) {
      expect(drafts[index]!.at - drafts[index - 1]!.at).toBeGreaterThanOrEqual(900);
    }
  });

  it('the gateway restarted mid-turn: the reply goes out once when it is back', async () => {
    await channel.inject('default', { senderId: 'restart', text: 'WAIT 2000 survive a restart' });
    await harness.stopRuntime();
    // The turn finishes on the worker meanwhile; its delivery waits on the channel's queue.
    await until(
      () => llm.requests.some((request) => request.userText.includes('survive a restart')),
      'the LLM call',
    );
    await sleep(3000);
    expect(textsTo('restart')).toHaveLength(0);
    await harness.restart();
    const [reply] = await until(
      () => (textsTo('restart').length > 0 ? textsTo('restart') : undefined),
      'the reply',
    );
    expect(reply!.text).toBe('echo: WAIT 2000 survive a restart');
    await sleep(1500);
    expect(textsTo('restart')).toHaveLength(1);
  }, 180_000);

  it('the worker SIGKILLed mid-turn: exactly one reply after a new worker starts', async () => {
    await channel.inject('default', { senderId: 'killed', text: 'WAIT 4000 survive a crash' });
    await until(
      () => llm.requests.some((request) => request.userText.includes('survive a crash')),
      'the LLM call',
    );
    await harness.killWorker();
    harness.startWorker();
    const [reply] = await until(
      () => (textsTo('killed').length > 0 ? textsTo('killed') : undefined),
      'the reply',
    );
    expect(reply!.text).toBe('echo: WAIT 4000 survive a crash');
    await sleep(1500);
    expect(textsTo('killed')).toHaveLength(1);
  }, 180_000);
});
