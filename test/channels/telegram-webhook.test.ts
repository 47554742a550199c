// Telegram's other two modes, end to end in one gateway process: webhook mode (the fake
// Bot API posts updates to the gateway's own port, secret header checked) and draft
// streaming (streamMode 'partial': one message edited as the reply streams in).
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../core/net.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

const agentId = 'tghook';

let llm: FakeLlmServer;
let hookBot: FakeTelegram;
let streamBot: FakeTelegram;
let harness: ChannelGatewayHarness;
let webhookUrl: string;

const messagesTo = (fake: FakeTelegram, chatId: number, method = 'sendMessage') =>
  fake.sent.filter((sent) => sent.method === method && sent.chatId === chatId);

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  hookBot = await startFakeTelegram({ token: '111111:hook-bot', botUsername: 'hook_test_bot' });
  streamBot = await startFakeTelegram({
    token: '222222:stream-bot',
    botUsername: 'stream_test_bot',
  });
  // The webhook URL names the gateway's port, so the port is chosen here.
  const port = await freePort();
  webhookUrl = `http://127.0.0.1:${port}/telegram-webhook`;
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    config: {
      agent: { id: agentId },
      session: { dmScope: 'per-account-channel-peer' },
      gateway: { port },
    },
    channels: {
      telegram: {
        allowFrom: [9001, 9002],
        accounts: {
          hook: {
            botToken: hookBot.token,
            apiRoot: hookBot.apiRoot,
            webhookUrl,
            webhookSecret: 'tg_secret_1',
          },
          stream: { botToken: streamBot.token, apiRoot: streamBot.apiRoot, streamMode: 'partial' },
        },
      },
    },
  });
});

afterAll(async () => {
  await harness?.close();
  await hookBot?.close();
  await streamBot?.close();
  await llm?.close();
});

describe('telegram webhook mode and draft streaming', () => {
  it('takes updates Telegram posts to the gateway port and replies', async () => {
    const alice = { id: 9001, first_name: 'Alice' };
    // setWebhook happens when the account starts.
    await hookBot.waitFor(() => hookBot.calls.some((call) => call.method === 'setWebhook'));
    hookBot.userSends({ from: alice, text: 'hello by webhook' });
    const [reply] = await hookBot.waitFor(
      () => messagesTo(hookBot, alice.id).length > 0 && messagesTo(hookBot, alice.id),
    );
    expect(reply!.text).toBe('echo: hello by webhook');
    expect(hookBot.webhookDeliveries.at(-1)?.status).toBe(200);
    expect(hookBot.unconfirmed()).toHaveLength(0);
    // Nobody else can post updates: the secret header is checked.
    const forged = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'guess' },
      body: JSON.stringify({
        update_id: 1,
        message: {
          message_id: 99,
          date: 0,
          chat: { id: 9001, type: 'private', first_name: 'Alice' },
          from: { id: 9001, is_bot: false, first_name: 'Alice' },
          text: 'forged',
        },
      }),
    });
    expect(forged.status).toBe(401);
    await sleep(200);
    expect(llm.requests.some((request) => request.userText.includes('forged'))).toBe(false);
  });

  it('streams a draft that is edited as the reply arrives, and ends as the reply itself', async () => {
    const bob = { id: 9002, first_name: 'Bob' };
    const words = 'one two three four five six seven eight nine ten';
    llm.scriptFor('stream to me', [{ kind: 'slow', text: `**${words}**`, chunkDelayMs: 300 }]);
    streamBot.userSends({ from: bob, text: 'stream to me' });
    const final = await streamBot.waitFor(() => {
      const edits = messagesTo(streamBot, bob.id, 'editMessageText');
      return edits.some((edit) => edit.parseMode === 'HTML') && edits;
    });
    // One message only: the draft, edited while streaming, then into the formatted reply.
    const sent = messagesTo(streamBot, bob.id);
    expect(sent).toHaveLength(1);
    expect(final.length).toBeGreaterThanOrEqual(2);
    expect(final.every((edit) => edit.messageId === sent[0]!.messageId)).toBe(true);
    expect(final.at(-1)).toMatchObject({ text: words, rawText: `<b>${words}</b>` });
    // Drafts show partial text on the way.
    expect(final.slice(0, -1).some((edit) => (edit.text ?? '').length < words.length)).toBe(true);
  });
});
