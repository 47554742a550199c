// WhatsApp (bundled plugin) across a worker crash: the gateway hosting the channel runs in
// this process, the agent worker as a `clawdbot worker` child that is SIGKILLed while the
// turn waits on the LLM. The turn resumes on a new worker and Meta's user gets one reply.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { builtInChannels } from '../../channels/index.js';
import { whatsappChannel } from '../../extensions/whatsapp/index.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startFakeWhatsApp, type FakeWhatsApp } from '../fakes/whatsapp/server.js';
import {
  notification,
  postNotification,
  userMessage,
  verifySubscription,
} from '../fakes/whatsapp/webhook-sender.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

const agentId = 'whatsapp-crash';
const appSecret = 'whatsapp-crash-secret';
const verifyToken = 'whatsapp-crash-verify';
const sender = '4915550777001';

let llm: FakeLlmServer;
let fake: FakeWhatsApp;
let harness: ChannelGatewayHarness;

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeWhatsApp();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [...builtInChannels, whatsappChannel],
    worker: 'child',
    config: { agent: { id: agentId }, session: { dmScope: 'per-channel-peer' } },
    channels: {
      whatsapp: {
        accessToken: fake.accessToken,
        phoneNumberId: fake.phoneNumberId,
        appSecret,
        verifyToken,
        apiBaseUrl: fake.url,
        allowFrom: [sender],
      },
    },
  });
  const webhookUrl = `${harness.url}/whatsapp/webhook`;
  while ((await verifySubscription(webhookUrl, verifyToken, 'ready')).status !== 200) {
    await sleep(100);
  }
}, 180_000);

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('whatsapp across a worker crash', () => {
  it('answers once after the worker is SIGKILLed mid-turn and a new worker starts', async () => {
    // The first LLM call hangs until its worker dies; the retry on the new worker answers.
    llm.scriptFor('survive the kill', [
      { kind: 'stall' },
      { kind: 'text', text: 'answered after the kill' },
    ]);
    const body = notification(fake.phoneNumberId, [
      userMessage(sender, 'text', { body: 'survive the kill' }),
    ]);
    expect(await postNotification(`${harness.url}/whatsapp/webhook`, appSecret, body)).toBe(200);
    await until(
      () => llm.requests.some((request) => request.userText === 'survive the kill'),
      'the turn',
    );
    await harness.killWorker();
    harness.startWorker();
    const replies = () =>
      fake.sent.filter(
        (sent) => sent.to === sender && sent.body.text?.body === 'answered after the kill',
      );
    await until(() => replies()[0], 'the reply');
    await sleep(2000);
    expect(replies()).toHaveLength(1);
    expect(fake.sent.filter((sent) => sent.to === sender)).toHaveLength(1);
  }, 150_000);
});
