// LINE end to end: the real @line/bot-sdk against the fake Messaging API, webhook calls
// signed as LINE signs them, the real gateway with its channel manager and delivery
// worker, the agent worker, Temporal and the scripted LLM — all in this process.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startFakeLine, type FakeLine, type LineSent } from '../fakes/line/server.js';
import {
  messageEvent,
  sendWebhook,
  type LineMessageEvent,
  type LineSource,
} from '../fakes/line/webhook-sender.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

const agentId = 'linemain';
const channelSecret = 'line-channel-secret-for-tests';

let llm: FakeLlmServer;
let fake: FakeLine;
let harness: ChannelGatewayHarness;
let webhookUrl: string;

const userId = (n: number) => `U${String(n).padStart(32, '0')}`;
const direct = (n: number): LineSource => ({ type: 'user', userId: userId(n) });
const sentTo = (to: string) =>
  fake.sent.filter((sent) => sent.to === to || sentByReplyTo.get(sent.replyToken ?? '') === to);
const sentByReplyTo = new Map<string, string>();
const llmSaw = (text: string) => llm.requests.filter((request) => request.userText.includes(text));

/** Post events as LINE does, having issued their reply tokens. */
async function deliver(...events: LineMessageEvent[]): Promise<number> {
  for (const event of events) {
    fake.issueReplyToken(event.replyToken);
    const source = event.source;
    sentByReplyTo.set(event.replyToken, source.type === 'user' ? source.userId : source.groupId);
  }
  return sendWebhook(webhookUrl, channelSecret, events);
}

const waitForSent = (to: string, count = 1): Promise<LineSent[]> =>
  fake.waitFor(() => sentTo(to).length >= count && sentTo(to));

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeLine();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    config: { agent: { id: agentId }, session: { dmScope: 'per-channel-peer' } },
    channels: {
      line: {
        channelAccessToken: fake.channelAccessToken,
        channelSecret,
        apiBaseUrl: fake.url,
        allowFrom: [1, 2, 3, 4, 5, 6, 7].map(userId),
        groups: { Cgroup0001: { requireMention: true } },
      },
    },
  });
  webhookUrl = `${harness.url}/line/webhook`;
  // The webhook route exists once the account has started.
  await fake.waitFor(() => fake.calls.some((call) => call.path === '/v2/bot/info'));
  while ((await sendWebhook(webhookUrl, channelSecret, [])) !== 200) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('line channel, end to end', () => {
  it('answers a 1:1 message with its reply token, quoting it', async () => {
    const event = messageEvent(direct(1), { type: 'text', text: 'hello from line' });
    expect(await deliver(event)).toBe(200);
    const [reply] = await waitForSent(userId(1));
    expect(reply).toMatchObject({
      via: 'reply',
      replyToken: event.replyToken,
      message: {
        type: 'text',
        text: 'echo: hello from line',
        quoteToken: event.message.quoteToken,
      },
    });
  });

  it('refuses a webhook call with a bad signature: 401 and no turn', async () => {
    const event = messageEvent(direct(2), { type: 'text', text: 'forged message' });
    const status = await sendWebhook(webhookUrl, channelSecret, [event], {
      signature: 'bm90IHRoZSByaWdodCBzaWduYXR1cmU=',
    });
    expect(status).toBe(401);
    const honest = messageEvent(direct(2), { type: 'text', text: 'an honest one' });
    await deliver(honest);
    await waitForSent(userId(2));
    expect(llmSaw('forged message')).toHaveLength(0);
    expect(sentTo(userId(2)).map((sent) => sent.message.text)).toEqual(['echo: an honest one']);
  });

  it('runs one turn when LINE redelivers an event', async () => {
    const event = messageEvent(direct(3), { type: 'text', text: 'only once please' });
    await deliver(event);
    await sendWebhook(webhookUrl, channelSecret, [
      { ...event, deliveryContext: { isRedelivery: true } },
    ]);
    await waitForSent(userId(3));
    await deliver(messageEvent(direct(3), { type: 'text', text: 'next one' }));
    await waitForSent(userId(3), 2);
    expect(sentTo(userId(3)).map((sent) => sent.message.text)).toEqual([
      'echo: only once please',
      'echo: next one',
    ]);
    expect(llmSaw('only once please')).toHaveLength(1);
  });

  it('pushes with a retry key once the reply token is no longer valid, and a retried push is sent once', async () => {
    llm.scriptFor('late answer', [{ kind: 'text', text: 'WAIT 10 late answer' }]);
    const event = messageEvent(direct(4), { type: 'text', text: 'late answer' });
    fake.expireReplyTokens();
    // The token expires before the answer: chunk 0 is pushed; the push is accepted but its
    // answer lost (500), and the retry with the same key gets 409 — one message in all.
    fake.acceptNextPushThenFail(500);
    await sendWebhook(webhookUrl, channelSecret, [event]);
    const [pushed] = await waitForSent(userId(4));
    expect(pushed).toMatchObject({ via: 'push', to: userId(4) });
    expect(pushed!.retryKey).toMatch(/^[0-9a-f-]{36}$/);
    await fake.waitFor(() =>
      fake.calls.some((call) => call.status === 409 && call.retryKey === pushed!.retryKey),
    );
    await deliver(messageEvent(direct(4), { type: 'text', text: 'after the retry' }));
    await waitForSent(userId(4), 2);
    expect(sentTo(userId(4)).map((sent) => sent.message.text)).toEqual([
      'WAIT 10 late answer',
      'echo: after the retry',
    ]);
  });

  it('splits a long reply into messages of at most 5000 characters, Markdown flattened', async () => {
    const paragraphs = Array.from(
      { length: 70 },
      (_, index) =>
        `Paragraph ${index + 1}: ${'the quick brown fox **jumps** over the lazy dog. '.repeat(3)}`,
    );
    llm.scriptFor('write a lot', [{ kind: 'text', text: paragraphs.join('\n\n') }]);
    await deliver(messageEvent(direct(5), { type: 'text', text: 'write a lot' }));
    const replies = await fake.waitFor(() => {
      const all = sentTo(userId(5));
      return all.some((sent) => sent.message.text?.includes('Paragraph 70:')) && all;
    });
    expect(replies.length).toBeGreaterThanOrEqual(3);
    expect(replies[0]!.via).toBe('reply');
    for (const piece of replies) expect(piece.message.text!.length).toBeLessThanOrEqual(5000);
    const text = replies.map((piece) => piece.message.text).join('\n');
    expect(text).not.toContain('**');
    const numbers = [...text.matchAll(/Paragraph (\d+):/g)].map((match) => Number(match[1]));
    expect(numbers).toEqual(paragraphs.map((_, index) => index + 1));
  });

  it('gives the model stickers as text and images as images', async () => {
    await deliver(
      messageEvent(direct(6), {
        type: 'sticker',
        packageId: '446',
        stickerId: '1988',
        stickerResourceType: 'STATIC',
        keywords: ['happy', 'thumbs up'],
      }),
    );
    await waitForSent(userId(6));
    expect(llmSaw('[sticker 446/1988: happy, thumbs up]')).toHaveLength(1);
    const photo = Buffer.from('\u00ff\u00d8\u00ff line photo bytes');
    const image = messageEvent(direct(6), {
      type: 'image',
      contentProvider: { type: 'line' },
    });
    fake.setContent(image.message.id, photo, 'image/jpeg');
    await deliver(image);
    await waitForSent(userId(6), 2);
    expect(
      llm.requests.some((request) =>
        JSON.stringify(request.body).includes(photo.toString('base64')),
      ),
    ).toBe(true);
  });

  it('in a group answers only a message that mentions the bot', async () => {
    const group: LineSource = { type: 'group', groupId: 'Cgroup0001', userId: userId(7) };
    await deliver(messageEvent(group, { type: 'text', text: 'talking among ourselves' }));
    await deliver(
      messageEvent(group, {
        type: 'text',
        text: '@Clawd what time is it',
        mention: { mentionees: [{ index: 0, length: 6, type: 'user', isSelf: true }] },
      }),
    );
    const [reply] = await waitForSent('Cgroup0001');
    expect(reply!.message.text).toBe('echo: @Clawd what time is it');
    expect(llmSaw('talking among ourselves')).toHaveLength(0);
  });
});
