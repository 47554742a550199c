// The Telegram adapter on its own: the real grammy against the fake Bot API server, with a
// hand-made start context that records what the channel hands to the runtime. The
// end-to-end behaviour (turns, delivery, restarts) is in telegram.test.ts.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { telegramChannel, type TelegramAccount } from '../../channels/telegram/index.js';
import {
  ChannelSendError,
  type ChannelAccountHandle,
  type ChannelAccountStatus,
  type ChannelHttpRoute,
  type ChannelInbound,
  type ChannelStartContext,
  type DeliveryTarget,
  type InboundAttachment,
  type InboundOutcome,
} from '../../channels/types.js';
import { createLogger } from '../../core/logger.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram/server.js';

const alice = { id: 5001, first_name: 'Alice', username: 'alice' };

interface Recorder {
  received: ChannelInbound[];
  status: Partial<ChannelAccountStatus>;
  /** Make the next receive() calls fail (as when Temporal is unreachable). */
  failNext: number;
  routes: ChannelHttpRoute[];
}

function account(fake: FakeTelegram, extra: Record<string, unknown> = {}): TelegramAccount {
  return telegramChannel.configSchema.parse({
    botToken: fake.token,
    apiRoot: fake.apiRoot,
    ...extra,
  });
}

function contextFor(
  options: TelegramAccount,
  recorder: Recorder,
  abort: AbortController,
): ChannelStartContext<TelegramAccount> {
  return {
    accountId: 'default',
    account: options,
    logger: createLogger('telegram-test', 'error'),
    signal: abort.signal,
    receive: (message): Promise<InboundOutcome> => {
      if (recorder.failNext > 0) {
        recorder.failNext -= 1;
        return Promise.reject(new Error('Temporal unreachable'));
      }
      recorder.received.push(message);
      return Promise.resolve({ status: 'accepted', sessionKey: 'agent:main:main', runId: 'x' });
    },
    setStatus: (patch) => Object.assign(recorder.status, patch),
    registerHttpRoute: (route) => {
      recorder.routes.push(route);
      return true;
    },
  };
}

describe('telegram adapter (grammy against the fake Bot API)', () => {
  let fake: FakeTelegram;
  let recorder: Recorder;
  let abort: AbortController;
  let handle: ChannelAccountHandle | undefined;

  beforeEach(async () => {
    fake = await startFakeTelegram();
    recorder = { received: [], status: {}, failNext: 0, routes: [] };
    abort = new AbortController();
  });
  afterEach(async () => {
    await handle?.stop();
    handle = undefined;
    abort.abort();
    await fake.close();
  });

  const start = async (extra: Record<string, unknown> = {}) => {
    handle = await telegramChannel.start(contextFor(account(fake, extra), recorder, abort));
    return handle;
  };

  it('hands a direct message to the runtime, then confirms its update', async () => {
    await start();
    const update = fake.userSends({ from: alice, text: 'hello there' });
    const [message] = await fake.waitFor(() => recorder.received.length === 1 && recorder.received);
    expect(message).toMatchObject({
      accountId: 'default',
      chatType: 'direct',
      chatId: String(alice.id),
      senderId: String(alice.id),
      senderName: 'Alice',
      text: 'hello there',
      platformMessageId: String(update.message!.message_id),
      mentioned: false,
    });
    await fake.waitFor(() => fake.unconfirmed().length === 0);
    expect(recorder.status).toMatchObject({ botName: '@clawd_test_bot', connected: true });
  });

  it('does not confirm an update the runtime did not take: Telegram sends it again', async () => {
    recorder.failNext = 1;
    await start();
    fake.userSends({ from: alice, text: 'important' });
    await fake.waitFor(() => recorder.received.length === 1);
    expect(recorder.received[0]!.text).toBe('important');
    // The failed attempt and the retry both fetched the same update.
    const polls = fake.calls.filter((call) => call.method === 'getUpdates').length;
    expect(polls).toBeGreaterThanOrEqual(2);
    await fake.waitFor(() => fake.unconfirmed().length === 0);
  });

  it('keeps unconfirmed updates across a restart of the account', async () => {
    recorder.failNext = 1000; // the runtime is down: nothing is taken
    await start();
    fake.userSends({ from: alice, text: 'while down' });
    await fake.waitFor(() => fake.calls.filter((c) => c.method === 'getUpdates').length >= 2);
    await handle!.stop();
    expect(fake.unconfirmed()).toHaveLength(1);
    recorder.failNext = 0;
    await start();
    await fake.waitFor(() => recorder.received.length === 1);
    expect(recorder.received[0]!.text).toBe('while down');
  });

  it('keeps polling through a dropped connection and a 5xx', async () => {
    await start();
    await fake.waitFor(() => fake.polling());
    fake.failNext('getUpdates', { kind: 'server-error' });
    fake.dropConnections(); // the pending long poll dies; the next one gets the 502
    fake.userSends({ from: alice, text: 'are you still there' });
    await fake.waitFor(() => recorder.received.length === 1);
    expect(recorder.received[0]!.text).toBe('are you still there');
    expect(fake.calls.some((call) => call.method === 'getUpdates' && call.status === 502)).toBe(
      true,
    );
    expect(recorder.status.lastError).toMatch(/Bad Gateway/);
  });

  it('tells groups, mentions, replies to the bot and forum topics apart', async () => {
    await start();
    const group = { id: -1001, type: 'supergroup' as const, title: 'Friends' };
    const forum = {
      id: -1002,
      type: 'supergroup' as const,
      title: 'Forum',
      is_forum: true as const,
    };
    fake.userSends({ from: alice, chat: group, text: 'no mention here' });
    fake.userSends({ from: alice, chat: group, text: 'hey @Clawd_Test_Bot what time is it' });
    fake.userSends({ from: alice, chat: group, text: 'hi @someone_else' });
    const received = await fake.waitFor(() => recorder.received.length === 3 && recorder.received);
    expect(received.map((m) => [m.chatType, m.mentioned])).toEqual([
      ['group', false],
      ['group', true],
      ['group', false],
    ]);
    // A reply to one of the bot's messages counts as a mention.
    const sent = await handle!.sendText({
      target: target(group.id),
      text: 'I am here',
      formatted: false,
      deliveryId: 'r:0',
    });
    fake.userSends({
      from: alice,
      chat: group,
      text: 'thanks',
      replyTo: Number(sent.platformMessageId),
    });
    fake.userSends({ from: alice, chat: forum, threadId: 77, text: 'in a topic' });
    const more = await fake.waitFor(() => recorder.received.length === 5 && recorder.received);
    expect(more[3]).toMatchObject({ mentioned: true, replyToMessageId: sent.platformMessageId });
    // The topic's own creation message is not a reply a person made.
    expect(more[4]).toMatchObject({
      chatId: '-1002',
      threadId: '77',
      threadKind: 'topic',
      mentioned: false,
    });
    expect(more[4]!.replyToMessageId).toBeUndefined();
  });

  it('reports a channel post as a channel chat', async () => {
    await start();
    const channel = { id: -1003, type: 'channel' as const, title: 'News' };
    fake.userSends({ chat: channel, text: 'breaking' });
    const [post] = await fake.waitFor(() => recorder.received.length === 1 && recorder.received);
    expect(post).toMatchObject({
      chatType: 'channel',
      chatId: '-1003',
      senderId: '-1003',
      senderName: 'News',
    });
  });

  it('downloads the largest size of a photo and documents by getFile', async () => {
    await start();
    const bytes = Buffer.from('fake-jpeg-bytes-'.repeat(20));
    fake.userSends({ from: alice, caption: 'look', photo: { bytes, width: 1600, height: 1200 } });
    fake.userSends({
      from: alice,
      document: {
        bytes: Buffer.from('%PDF-1.4'),
        fileName: 'notes.pdf',
        mimeType: 'application/pdf',
      },
    });
    const [photo, document] = await fake.waitFor(
      () => recorder.received.length === 2 && recorder.received,
    );
    expect(photo!.text).toBe('look');
    const image = photo!.attachments![0]!;
    expect(image).toMatchObject({ kind: 'image', mimeType: 'image/jpeg', size: bytes.length });
    expect(await bytesOf(image)).toEqual(bytes);
    const file = document!.attachments![0]!;
    expect(file).toMatchObject({
      kind: 'file',
      fileName: 'notes.pdf',
      mimeType: 'application/pdf',
    });
    expect((await bytesOf(file)).toString()).toBe('%PDF-1.4');
  });

  it('sends HTML to the chat and topic, quoting the message it answers', async () => {
    await start();
    const forum = {
      id: -1004,
      type: 'supergroup' as const,
      title: 'Forum',
      is_forum: true as const,
    };
    const update = fake.userSends({
      from: alice,
      chat: forum,
      threadId: 9,
      text: '@clawd_test_bot hi',
    });
    await fake.waitFor(() => recorder.received.length === 1);
    await handle!.sendText({
      target: { ...target(forum.id), threadId: '9' },
      text: telegramChannel.formatText('**bold** & <tags>'),
      formatted: true,
      replyToMessageId: String(update.message!.message_id),
      deliveryId: 'r:0',
    });
    expect(fake.sent.at(-1)).toMatchObject({
      method: 'sendMessage',
      chatId: forum.id,
      threadId: 9,
      parseMode: 'HTML',
      text: 'bold & <tags>',
      replyToMessageId: update.message!.message_id,
    });
  });

  it('maps Telegram errors: formatting, 429 retry_after, 5xx, other 4xx', async () => {
    await start();
    fake.userSends({ from: alice, text: 'hi' });
    await fake.waitFor(() => recorder.received.length === 1);
    const send = (text: string, formatted = true) =>
      handle!.sendText({ target: target(alice.id), text, formatted, deliveryId: 'd' });
    const formatting = await send('<div>not telegram html</div>').catch((e: unknown) => e);
    expect(formatting).toBeInstanceOf(ChannelSendError);
    expect((formatting as ChannelSendError).options).toMatchObject({
      formatting: true,
      retryable: false,
    });
    expect((formatting as ChannelSendError).message).toContain("can't parse entities");

    fake.failNext('sendMessage', { kind: 'rate-limit', retryAfterSeconds: 3 });
    const limited = (await send('x').catch((e: unknown) => e)) as ChannelSendError;
    expect(limited.options).toMatchObject({ retryable: true, retryAfterMs: 3000, status: 429 });

    fake.failNext('sendMessage', { kind: 'server-error' });
    const server = (await send('x').catch((e: unknown) => e)) as ChannelSendError;
    expect(server.options).toMatchObject({ retryable: true, status: 502 });

    const notFound = (await handle!
      .sendText({ target: target(424242), text: 'x', formatted: false, deliveryId: 'd' })
      .catch((e: unknown) => e)) as ChannelSendError;
    expect(notFound.options).toMatchObject({ retryable: false, status: 400 });
    expect(notFound.message).toContain('chat not found');
  });

  it('sends media from the workspace as a multipart upload, types and edits drafts', async () => {
    await start();
    fake.userSends({ from: alice, text: 'send me the chart' });
    await fake.waitFor(() => recorder.received.length === 1);
    const dir = mkdtempSync(join(tmpdir(), 'clawdbot-tg-media-'));
    const chart = join(dir, 'chart.png');
    writeFileSync(chart, Buffer.from('PNG-BYTES'));
    await handle!.sendMedia({
      target: target(alice.id),
      source: chart,
      kind: 'image',
      caption: 'the chart',
      deliveryId: 'm',
    });
    await handle!.sendMedia({
      target: target(alice.id),
      source: join(dir, 'chart.png'),
      kind: 'file',
      deliveryId: 'n',
    });
    expect(fake.sent.slice(-2)).toMatchObject([
      {
        method: 'sendPhoto',
        file: { fileName: 'chart.png', bytes: Buffer.from('PNG-BYTES') },
        text: 'the chart',
      },
      { method: 'sendDocument', file: { fileName: 'chart.png' } },
    ]);
    await handle!.sendTyping!(target(alice.id));
    expect(fake.sent.at(-1)).toMatchObject({ method: 'sendChatAction', action: 'typing' });
    const draft = await handle!.sendText({
      target: target(alice.id),
      text: 'Thinking',
      formatted: false,
      deliveryId: 'x',
    });
    await handle!.editText!(target(alice.id), draft.platformMessageId, 'Thinking about it');
    await handle!.editText!(target(alice.id), draft.platformMessageId, 'Thinking about it'); // unchanged: fine
    expect(fake.sent.filter((s) => s.method === 'editMessageText')).toHaveLength(1);
    // The final reply's first chunk replaces the draft, formatted.
    await handle!.editText!(target(alice.id), draft.platformMessageId, '<b>Done</b>', {
      formatted: true,
    });
    expect(fake.sent.at(-1)).toMatchObject({
      method: 'editMessageText',
      parseMode: 'HTML',
      text: 'Done',
    });
  });

  it('fails to start with a bad token, saying so', async () => {
    const options = telegramChannel.configSchema.parse({
      botToken: '999:wrong',
      apiRoot: fake.apiRoot,
    });
    await expect(telegramChannel.start(contextFor(options, recorder, abort))).rejects.toThrow(
      /401/,
    );
    expect(recorder.status.lastError).toMatch(/rejected the bot token/);
  });

  it('reads the token from tokenFile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clawdbot-tg-token-'));
    writeFileSync(join(dir, 'token'), `${fake.token}\n`);
    const options = telegramChannel.configSchema.parse({
      tokenFile: join(dir, 'token'),
      apiRoot: fake.apiRoot,
    });
    expect(telegramChannel.isConfigured(options)).toBe(true);
    handle = await telegramChannel.start(contextFor(options, recorder, abort));
    expect(await handle.probe()).toEqual({ botName: '@clawd_test_bot' });
  });

  it('rejects unknown keys and a bad webhook secret in the config', () => {
    expect(() => telegramChannel.configSchema.parse({ botToken: 'x', bot_token: 'y' })).toThrow();
    expect(() =>
      telegramChannel.configSchema.parse({ botToken: 'x', webhookSecret: 'has space' }),
    ).toThrow();
    expect(telegramChannel.configSchema.parse({ botToken: 'x' }).streamMode).toBe('off');
  });

  describe('webhook mode', () => {
    let server: Server;
    let webhookUrl: string;

    beforeEach(async () => {
      // Stands in for the gateway's HTTP server: dispatches to the registered route.
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const route = recorder.routes.find(
            (r) => r.path === new URL(request.url!, 'http://x').pathname,
          );
          if (!route) return response.writeHead(404).end();
          void route
            .handler({ headers: request.headers, rawBody: Buffer.concat(chunks), query: {} })
            .then((answer) => {
              response.writeHead(answer.status, { 'content-type': 'application/json' });
              response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
            });
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/telegram`;
    });
    afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('takes updates Telegram posts with the right secret, and answers 500 when not taken', async () => {
      recorder.failNext = 1;
      await start({ webhookUrl, webhookSecret: 'sekret_1' });
      expect(recorder.routes.map((r) => r.path)).toEqual(['/hooks/telegram']);
      const update = fake.userSends({ from: alice, text: 'via webhook' });
      await fake.waitFor(() => recorder.received.length === 1);
      expect(recorder.received[0]!.text).toBe('via webhook');
      // First delivery failed (500) and Telegram retried it; the retry was taken.
      await fake.waitFor(() => fake.unconfirmed().length === 0);
      expect(fake.webhookDeliveries).toEqual([
        { updateId: update.update_id, status: 500 },
        { updateId: update.update_id, status: 200 },
      ]);
      // A caller without the secret gets nothing in.
      const forged = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong' },
        body: JSON.stringify({ update_id: 1, message: update.message }),
      });
      expect(forged.status).toBe(401);
      expect(recorder.received).toHaveLength(1);
    });
  });
});

/** Everything an attachment's download yields, whatever form it takes. */
async function bytesOf(attachment: InboundAttachment): Promise<Buffer> {
  const downloaded = await attachment.download();
  if (downloaded instanceof Uint8Array) return Buffer.from(downloaded);
  const chunks: Uint8Array[] = [];
  for await (const chunk of downloaded as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function target(chatId: number): DeliveryTarget {
  return {
    channel: 'telegram',
    accountId: 'default',
    chatType: chatId > 0 ? 'direct' : 'group',
    chatId: String(chatId),
    platformMessageId: '1',
  };
}
