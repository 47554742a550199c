// Zalo (bundled plugin) end to end: the channel against the fake Zalo Bot API, the real
// gateway with its channel manager and delivery worker, the agent worker, Temporal and the
// scripted LLM — all in this process. Two bots: one long-polls getUpdates, the other gets
// updates on its webhook.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { builtInChannels } from '../../channels/index.js';
import { zaloChannel } from '../../extensions/zalo/index.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import {
  startFakeZalo,
  textUpdate,
  type FakeZalo,
  type ZaloBot,
  type ZaloSent,
} from '../fakes/zalo/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

const agentId = 'zalo-main';
const webhookSecret = 'zalo-webhook-secret-0123456789';

let llm: FakeLlmServer;
let fake: FakeZalo;
let poller: ZaloBot;
let hooked: ZaloBot;
let harness: ChannelGatewayHarness;
let webhook: string;

const person = (n: number) => ({ id: `77${String(n).padStart(8, '0')}`, name: `Person ${n}` });
const privateChat = (n: number) => ({ id: `chat${person(n).id}`, type: 'PRIVATE' as const });
const sentTo = (chatId: string) => fake.sent.filter((sent) => sent.chatId === chatId);
const textsTo = (chatId: string) => sentTo(chatId).map((sent) => sent.text);
const llmSaw = (text: string) => llm.requests.filter((request) => request.userText.includes(text));
const waitForSent = (chatId: string, count = 1): Promise<ZaloSent[]> =>
  fake.waitFor(() => sentTo(chatId).length >= count && sentTo(chatId));
const poll = (n: number, text: string, messageId?: string) => {
  const update = textUpdate(privateChat(n), person(n), text, messageId);
  fake.queueUpdate(poller.token, update);
  return update;
};

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeZalo();
  poller = fake.addBot('Clawd');
  hooked = fake.addBot('Clawd Hook');
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [...builtInChannels, zaloChannel],
    config: { agent: { id: agentId }, session: { dmScope: 'per-channel-peer' } },
    channels: {
      zalo: {
        apiBaseUrl: fake.url,
        allowFrom: [1, 2, 3, 4, 5, 6].map((n) => person(n).id),
        accounts: {
          poller: { botToken: poller.token, pollTimeoutSeconds: 5 },
          hooked: {
            botToken: hooked.token,
            webhookUrl: 'https://bot.example.com/zalo-webhook',
            webhookSecret,
          },
        },
      },
    },
  });
  webhook = `${harness.url}/zalo-webhook`;
  await fake.waitFor(() => fake.polls.has(poller.token) && fake.webhooks.has(hooked.token));
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('zalo plugin channel, end to end', () => {
  it('answers a message it long-polled, as plain text with sendMessage', async () => {
    llm.scriptFor('hello from zalo', [
      { kind: 'text', text: 'Hi **there**, see [docs](https://example.com/d)' },
    ]);
    poll(1, 'hello from zalo');
    const [reply] = await waitForSent(privateChat(1).id);
    expect(reply).toMatchObject({
      token: poller.token,
      method: 'sendMessage',
      text: 'Hi there, see docs (https://example.com/d)',
    });
  });

  it('registers its webhook with the secret and answers what Zalo posts there', async () => {
    expect(fake.webhooks.get(hooked.token)).toEqual({
      url: 'https://bot.example.com/zalo-webhook',
      secret_token: webhookSecret,
    });
    const update = textUpdate(privateChat(2), person(2), 'hello by webhook');
    expect((await fake.postWebhook(webhook, update, webhookSecret)).status).toBe(200);
    const [reply] = await waitForSent(privateChat(2).id);
    expect(reply).toMatchObject({ token: hooked.token, text: 'echo: hello by webhook' });
  });

  it('refuses webhook calls without the secret token: 401 and no turn', async () => {
    const forged = (text: string) => textUpdate(privateChat(3), person(3), text);
    expect((await fake.postWebhook(webhook, forged('no secret'), undefined)).status).toBe(401);
    expect((await fake.postWebhook(webhook, forged('wrong secret'), 'guess-guess')).status).toBe(
      401,
    );
    await fake.postWebhook(webhook, forged('an honest one'), webhookSecret);
    await waitForSent(privateChat(3).id);
    expect(textsTo(privateChat(3).id)).toEqual(['echo: an honest one']);
    expect(llmSaw('no secret')).toHaveLength(0);
    expect(llmSaw('wrong secret')).toHaveLength(0);
  });

  it('runs one turn for an update delivered twice, polled or posted', async () => {
    poll(4, 'polled once please', 'dup-poll-1');
    poll(4, 'polled once please', 'dup-poll-1');
    await waitForSent(privateChat(4).id);
    poll(4, 'next one');
    await waitForSent(privateChat(4).id, 2);
    expect(textsTo(privateChat(4).id)).toEqual(['echo: polled once please', 'echo: next one']);
    const posted = textUpdate(privateChat(5), person(5), 'posted once please');
    await fake.postWebhook(webhook, posted, webhookSecret);
    await fake.postWebhook(webhook, posted, webhookSecret);
    await waitForSent(privateChat(5).id);
    await fake.postWebhook(webhook, textUpdate(privateChat(5), person(5), 'after'), webhookSecret);
    await waitForSent(privateChat(5).id, 2);
    expect(textsTo(privateChat(5).id)).toEqual(['echo: posted once please', 'echo: after']);
    expect(llmSaw('polled once please')).toHaveLength(1);
    expect(llmSaw('posted once please')).toHaveLength(1);
  });

  it('gives an unknown sender a pairing code and no turn; once approved, answers', async () => {
    const stranger = { id: '7799999999', name: 'Stranger' };
    const chat = { id: 'chat-stranger', type: 'PRIVATE' as const };
    fake.queueUpdate(poller.token, textUpdate(chat, stranger, 'let me in'));
    const [pairing] = await waitForSent(chat.id);
    const code = /\b[A-HJ-NP-Z2-9]{8}\b/.exec(pairing!.text)?.[0];
    expect(code).toBeDefined();
    expect(pairing!.text).toContain(`zaloUserId: ${stranger.id}`);
    expect(llmSaw('let me in')).toHaveLength(0);
    await harness.call('pairing.approve', { channel: 'zalo', code });
    await waitForSent(chat.id, 2);
    fake.queueUpdate(poller.token, textUpdate(chat, stranger, 'now answer me'));
    await fake.waitFor(() => textsTo(chat.id).includes('echo: now answer me'));
  });

  it('splits a long reply into messages of at most 2000 characters', async () => {
    const paragraphs = Array.from(
      { length: 40 },
      (_, index) =>
        `Paragraph ${index + 1}: ${'the quick brown fox jumps over the lazy dog. '.repeat(3)}`,
    );
    llm.scriptFor('write a lot', [{ kind: 'text', text: paragraphs.join('\n\n') }]);
    poll(6, 'write a lot');
    const replies = await fake.waitFor(() => {
      const all = textsTo(privateChat(6).id);
      return all.some((text) => text.includes('Paragraph 40:')) && all;
    });
    expect(replies.length).toBeGreaterThanOrEqual(3);
    for (const piece of replies) expect(piece.length).toBeLessThanOrEqual(2000);
    const numbers = [...replies.join('\n').matchAll(/Paragraph (\d+):/g)].map((m) => Number(m[1]));
    expect(numbers).toEqual(paragraphs.map((_, index) => index + 1));
  });
});
