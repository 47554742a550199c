// BlueBubbles end to end: the bluebubbles plugin against the fake BlueBubbles server (REST
// over 127.0.0.1), webhook calls posted to the gateway as the server posts them, the real
// gateway with its channel manager and delivery worker, the agent worker, Temporal and the
// scripted LLM — all in this process.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bluebubblesChannel } from '../../extensions/bluebubbles/index.js';
import { startFakeBlueBubbles, type FakeBlueBubbles } from '../fakes/bluebubbles/server.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

const agentId = 'bbmain';
const alice = '+15550003001';
const bob = 'bob@example.org';
const stranger = '+15550003099';
const carol = '+15550003004';
const groupGuid = 'iMessage;+;chat493787071395575843';

let llm: FakeLlmServer;
let fake: FakeBlueBubbles;
let harness: ChannelGatewayHarness;

const sentTo = (chatGuid: string) => fake.sent.filter((sent) => sent.chatGuid === chatGuid);
const direct = (address: string) => `iMessage;-;${address}`;
const waitForSent = (chatGuid: string, count = 1) =>
  fake.waitFor(() => sentTo(chatGuid).length >= count && sentTo(chatGuid));
const llmSaw = (text: string) => llm.requests.filter((request) => request.userText.includes(text));

/** Post an event to the webhook as the server does (the registered URL has the password). */
async function post(event: unknown, password = fake.password): Promise<number> {
  const response = await fetch(
    `${harness.url}/bluebubbles/webhook?password=${encodeURIComponent(password)}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    },
  );
  await response.body?.cancel();
  return response.status;
}

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeBlueBubbles();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [bluebubblesChannel],
    config: {
      agent: { id: agentId },
      session: { dmScope: 'per-channel-peer' },
      security: { owners: [`bluebubbles:${alice}`] },
    },
    channels: {
      bluebubbles: {
        serverUrl: fake.url,
        password: fake.password,
        sendMethod: 'private-api',
        ackReaction: 'like',
        allowFrom: [alice, bob, carol],
        groupPolicy: 'open',
        mentionNames: ['Clawd'],
      },
    },
  });
  // The webhook route exists once the account has started.
  while ((await post({ type: 'typing-indicator', data: {} })) !== 200) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('bluebubbles plugin, end to end', () => {
  it('answers a direct message, quoting it, with a tempGuid and a tapback', async () => {
    const event = fake.webhookMessage(alice, 'hello from bluebubbles');
    expect(await post(event)).toBe(200);
    const [reply] = await waitForSent(direct(alice));
    expect(reply).toMatchObject({
      kind: 'text',
      message: 'echo: hello from bluebubbles',
      method: 'private-api',
      selectedMessageGuid: event.data.guid,
    });
    expect(reply!.tempGuid).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(fake.reactions).toContainEqual({
      chatGuid: direct(alice),
      selectedMessageGuid: event.data.guid,
      reaction: 'like',
    });
  });

  it('refuses a webhook call without the password: 401 and no turn', async () => {
    expect(await post(fake.webhookMessage(bob, 'forged message'), 'wrong')).toBe(401);
    await post(fake.webhookMessage(bob, 'an honest one'));
    await waitForSent(direct(bob));
    expect(llmSaw('forged message')).toHaveLength(0);
  });

  it('runs one turn when the server posts the same message twice', async () => {
    const event = fake.webhookMessage(bob, 'only once please');
    await post(event);
    await post(event);
    await waitForSent(direct(bob), 2);
    await post(fake.webhookMessage(bob, 'next one'));
    await waitForSent(direct(bob), 3);
    expect(sentTo(direct(bob)).map((sent) => sent.message)).toEqual([
      'echo: an honest one',
      'echo: only once please',
      'echo: next one',
    ]);
    expect(llmSaw('only once please')).toHaveLength(1);
  });

  it('gives an unknown sender a pairing code and no turn', async () => {
    await post(fake.webhookMessage(stranger, 'who are you'));
    const [reply] = await waitForSent(direct(stranger));
    expect(reply!.message).toContain('Pairing code:');
    expect(reply!.message).toContain(`imessageHandle: ${stranger}`);
    expect(llmSaw('who are you')).toHaveLength(0);
  });

  it('in a group chat answers only a message that names the bot', async () => {
    await post(fake.webhookMessage(carol, 'talking among ourselves', { chatGuid: groupGuid }));
    await post(fake.webhookMessage(carol, 'Clawd what time is it', { chatGuid: groupGuid }));
    const [reply] = await waitForSent(groupGuid);
    expect(reply!.message).toBe('echo: Clawd what time is it');
    expect(llmSaw('talking among ourselves')).toHaveLength(0);
  });

  it('gives the model an image and uploads a file the model names with MEDIA:', async () => {
    const photo = Buffer.from('\u00ff\u00d8\u00ff bluebubbles photo bytes');
    const attachment = fake.storeAttachment(photo, 'image/jpeg', 'IMG_0002.jpeg');
    await post(
      fake.webhookMessage(alice, '\uFFFCwhat is in this picture', { attachments: [attachment] }),
    );
    await fake.waitFor(() => llmSaw('what is in this picture').length > 0);
    expect(JSON.stringify(llmSaw('what is in this picture')[0]!.body)).toContain(
      photo.toString('base64'),
    );

    const chart = join(harness.paths.workspaceDir, 'out', 'bb-chart.png');
    await mkdir(join(harness.paths.workspaceDir, 'out'), { recursive: true });
    await writeFile(chart, Buffer.from('PNG chart bytes'));
    llm.scriptFor('send me the chart', [{ kind: 'text', text: `Here it is.\nMEDIA:${chart}` }]);
    await post(fake.webhookMessage(alice, 'send me the chart'));
    const file = await fake.waitFor(() =>
      sentTo(direct(alice)).find((sent) => sent.kind === 'attachment'),
    );
    expect(file).toMatchObject({ name: 'bb-chart.png', bytes: Buffer.from('PNG chart bytes') });
  });
});
