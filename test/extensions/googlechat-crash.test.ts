// Google Chat (bundled plugin) across a worker crash: the gateway hosting the channel runs
// in this process, the agent worker as a `clawdbot worker` child that is SIGKILLed while the
// turn waits on the LLM. The turn resumes on a new worker and the space gets one reply.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { builtInChannels } from '../../channels/index.js';
import { googlechatChannel } from '../../extensions/googlechat/index.js';
import { messageEvent, postEvent } from '../fakes/googlechat/event-sender.js';
import { startFakeGoogleChat, type FakeGoogleChat } from '../fakes/googlechat/server.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

const agentId = 'googlechat-crash';
const projectNumber = '918273645501';
const space = { name: 'spaces/crashDM', spaceType: 'DIRECT_MESSAGE' } as const;
const sender = { name: 'users/2200000000000000000001', displayName: 'Survivor' };

let llm: FakeLlmServer;
let fake: FakeGoogleChat;
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
  fake = await startFakeGoogleChat();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [...builtInChannels, googlechatChannel],
    worker: 'child',
    config: { agent: { id: agentId }, session: { dmScope: 'per-channel-peer' } },
    channels: {
      googlechat: {
        serviceAccount: fake.serviceAccount,
        audienceType: 'project-number',
        audience: projectNumber,
        apiBaseUrl: fake.apiBaseUrl,
        certsUrl: fake.certsUrl,
        allowFrom: [sender.name],
      },
    },
  });
  while ((await postEvent(`${harness.url}/googlechat/webhook`, undefined, {})).status === 404) {
    await sleep(100);
  }
}, 180_000);

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('googlechat across a worker crash', () => {
  it('answers once after the worker is SIGKILLed mid-turn and a new worker starts', async () => {
    // The first LLM call hangs until its worker dies; the retry on the new worker answers.
    llm.scriptFor('survive the kill', [
      { kind: 'stall' },
      { kind: 'text', text: 'answered after the kill' },
    ]);
    const token = fake.signEventToken({ audienceType: 'project-number', audience: projectNumber });
    const response = await postEvent(
      `${harness.url}/googlechat/webhook`,
      token,
      messageEvent(space, sender, 'survive the kill'),
    );
    expect(response.status).toBe(200);
    await until(
      () => llm.requests.some((request) => request.userText === 'survive the kill'),
      'the turn',
    );
    await harness.killWorker();
    harness.startWorker();
    const replies = () =>
      fake.sent.filter(
        (sent) => sent.space === space.name && sent.text === 'answered after the kill',
      );
    await until(() => replies()[0], 'the reply');
    await sleep(2000);
    expect(replies()).toHaveLength(1);
    expect(fake.sent.filter((sent) => sent.space === space.name)).toHaveLength(1);
  }, 150_000);
});
