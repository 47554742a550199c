// The Discord plugin against the fake Discord with the real discord.js, started with a
// hand-made context that records what it receives: normalization, sending and error mapping.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordChannel } from '../../channels/discord/index.js';
import type { DiscordAccount } from '../../channels/discord/config.js';
import { ChannelSendError } from '../../channels/types.js';
import type {
  ChannelAccountHandle,
  ChannelAccountStatus,
  ChannelInbound,
  DeliveryTarget,
} from '../../channels/types.js';
import { createLogger } from '../../core/logger.js';
import { startDiscordFake } from '../fakes/discord/server.js';
import type { DiscordFake } from '../fakes/discord/server.js';

const account = (fake: DiscordFake, token = fake.token): DiscordAccount => ({
  enabled: true,
  dmPolicy: 'pairing',
  allowFrom: [],
  groupPolicy: 'allowlist',
  groupAllowFrom: [],
  groups: {},
  replyToMode: 'first',
  mediaMaxMb: 20,
  token,
  apiBase: fake.apiBase,
});

interface Started {
  handle: ChannelAccountHandle;
  received: ChannelInbound[];
  status: Partial<ChannelAccountStatus>;
  controller: AbortController;
}

async function startAccount(fake: DiscordFake, token?: string): Promise<Started> {
  const received: ChannelInbound[] = [];
  const status: Partial<ChannelAccountStatus> = {};
  const controller = new AbortController();
  const handle = await discordChannel.start({
    accountId: 'default',
    account: account(fake, token),
    logger: createLogger('discord-test', 'warn'),
    signal: controller.signal,
    receive: (message) => {
      received.push(message);
      return Promise.resolve({
        status: 'accepted',
        sessionKey: 'test',
        runId: message.platformMessageId,
      });
    },
    setStatus: (patch) => Object.assign(status, patch),
  });
  return { handle, received, status, controller };
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1200 && !condition(); i++) await sleep(25);
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

describe('discord adapter (discord.js against the fake Discord)', () => {
  let fake: DiscordFake;
  let started: Started;
  let guild: { guildId: string; channelId: string };

  beforeAll(async () => {
    fake = await startDiscordFake({ heartbeatIntervalMs: 1_000 });
    guild = fake.addGuild('Home');
    started = await startAccount(fake);
  });
  afterAll(async () => {
    await started?.handle.stop();
    await fake?.close();
  });

  const target = (chatId: string, extra: Partial<DeliveryTarget> = {}): DeliveryTarget => ({
    channel: 'discord',
    accountId: 'default',
    chatType: 'channel',
    chatId,
    platformMessageId: '0',
    ...extra,
  });

  it('connects, names the bot and answers a probe', async () => {
    expect(started.status.connected).toBe(true);
    expect(started.status.botName).toBe(fake.bot.username);
    await expect(started.handle.probe()).resolves.toEqual({ botName: fake.bot.username });
  });

  it('turns a DM into a direct inbound message and replies to it in the DM', async () => {
    const alice = fake.addUser('alice');
    const dm = fake.dmChannel(alice);
    const message = fake.userMessage({ channelId: dm.id, author: alice, content: 'hi bot' });
    await waitUntil(() => started.received.some((m) => m.platformMessageId === message.id), 'DM');
    const inbound = started.received.find((m) => m.platformMessageId === message.id);
    expect(inbound).toMatchObject({
      accountId: 'default',
      chatType: 'direct',
      chatId: dm.id,
      senderId: alice.id,
      senderName: 'alice',
      text: 'hi bot',
      mentioned: false,
    });
    expect(inbound?.threadId).toBeUndefined();

    const sent = await started.handle.sendText({
      target: target(dm.id, { chatType: 'direct', platformMessageId: message.id }),
      text: '**hello** alice',
      formatted: true,
      replyToMessageId: message.id,
      deliveryId: 'run-dm:0',
    });
    const record = fake.sent.find((s) => s.messageId === sent.platformMessageId);
    expect(record).toMatchObject({
      channelId: dm.id,
      content: '**hello** alice',
      replyTo: message.id,
    });
  });

  it('sees a mention, a reply to the bot, and no mention in a guild channel', async () => {
    const bob = fake.addUser('bob');
    const plain = fake.userMessage({
      channelId: guild.channelId,
      author: bob,
      content: 'just chatting',
    });
    const mention = fake.userMessage({
      channelId: guild.channelId,
      author: bob,
      content: 'what time is it?',
      mentionBot: true,
    });
    await waitUntil(
      () => started.received.some((m) => m.platformMessageId === mention.id),
      'mention',
    );
    const botMessage = await started.handle.sendText({
      target: target(guild.channelId),
      text: 'noon',
      formatted: true,
      deliveryId: 'run-guild:0',
    });
    const reply = fake.userMessage({
      channelId: guild.channelId,
      author: bob,
      content: 'thanks',
      replyTo: botMessage.platformMessageId,
    });
    await waitUntil(() => started.received.some((m) => m.platformMessageId === reply.id), 'reply');

    const byId = (id: string) => started.received.find((m) => m.platformMessageId === id);
    expect(byId(plain.id)).toMatchObject({
      chatType: 'channel',
      chatId: guild.channelId,
      mentioned: false,
    });
    expect(byId(mention.id)).toMatchObject({ mentioned: true, text: 'what time is it?' });
    expect(byId(reply.id)).toMatchObject({
      mentioned: true,
      replyToMessageId: botMessage.platformMessageId,
    });
    // The bot's own messages come back on the gateway and are never taken as inbound.
    expect(started.received.some((m) => m.senderId === fake.bot.id)).toBe(false);
  });

  it('maps a thread to its parent channel with a threadId, and replies inside the thread', async () => {
    const carol = fake.addUser('carol');
    const thread = fake.addThread(guild.channelId, 'planning');
    const message = fake.userMessage({
      channelId: thread.id,
      author: carol,
      content: 'in a thread',
      mentionBot: true,
    });
    await waitUntil(
      () => started.received.some((m) => m.platformMessageId === message.id),
      'thread message',
    );
    expect(started.received.find((m) => m.platformMessageId === message.id)).toMatchObject({
      chatType: 'channel',
      chatId: guild.channelId,
      threadId: thread.id,
      mentioned: true,
    });
    const sent = await started.handle.sendText({
      target: target(guild.channelId, { threadId: thread.id }),
      text: 'thread answer',
      formatted: true,
      replyToMessageId: message.id,
      deliveryId: 'run-thread:0',
    });
    expect(fake.sent.find((s) => s.messageId === sent.platformMessageId)?.channelId).toBe(
      thread.id,
    );
  });

  it('offers attachments for download from the CDN URL', async () => {
    const dave = fake.addUser('dave');
    const dm = fake.dmChannel(dave);
    const bytes = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
    const message = fake.userMessage({
      channelId: dm.id,
      author: dave,
      content: 'look',
      attachments: [{ name: 'pic.png', contentType: 'image/png', data: bytes }],
    });
    await waitUntil(
      () => started.received.some((m) => m.platformMessageId === message.id),
      'attachment',
    );
    const [attachment] =
      started.received.find((m) => m.platformMessageId === message.id)?.attachments ?? [];
    expect(attachment).toMatchObject({
      kind: 'image',
      fileName: 'pic.png',
      mimeType: 'image/png',
      size: 7,
    });
    const body = await attachment?.download();
    expect(
      new Uint8Array(await new Response(body as ReadableStream<Uint8Array>).arrayBuffer()),
    ).toEqual(bytes);
  });

  it('uploads media as a multipart file with its caption', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'discord-media-'));
    try {
      const path = join(dir, 'report.txt');
      await writeFile(path, 'quarterly numbers');
      const sent = await started.handle.sendMedia({
        target: target(guild.channelId),
        source: path,
        kind: 'file',
        caption: 'the report',
        deliveryId: 'run-media:0',
      });
      expect(fake.sent.find((s) => s.messageId === sent.platformMessageId)).toMatchObject({
        content: 'the report',
        files: [{ name: 'report.txt', size: 17 }],
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sends a chunk with the same delivery id once (Discord enforce_nonce)', async () => {
    const before = fake.sent.length;
    const input = {
      target: target(guild.channelId),
      text: 'only once',
      formatted: true,
      deliveryId: 'run-x:3',
    };
    const first = await started.handle.sendText(input);
    const second = await started.handle.sendText(input);
    expect(second.platformMessageId).toBe(first.platformMessageId);
    expect(fake.sent.length).toBe(before + 1);
  });

  it('shows typing and edits a sent message', async () => {
    await started.handle.sendTyping?.(target(guild.channelId));
    expect(fake.typing.some((t) => t.channelId === guild.channelId)).toBe(true);
    const sent = await started.handle.sendText({
      target: target(guild.channelId),
      text: 'draft',
      formatted: false,
      deliveryId: 'run-edit:0',
    });
    await started.handle.editText?.(target(guild.channelId), sent.platformMessageId, 'final');
    expect(fake.edits).toContainEqual({
      channelId: guild.channelId,
      messageId: sent.platformMessageId,
      content: 'final',
    });
  });

  it("maps a 429 to retryAfterMs, a 4xx to a final error with Discord's message, a 5xx to retryable", async () => {
    const send = (deliveryId: string) =>
      started.handle.sendText({
        target: target(guild.channelId),
        text: 'x',
        formatted: true,
        deliveryId,
      });
    const errorOf = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error,
      );

    // A channel of its own: the bucket this 429 empties stays empty for 2.5 s.
    const limitedChannel = fake.addGuild('Busy').channelId;
    fake.failNext({ method: 'POST', path: /\/messages$/, status: 429, retryAfter: 2.5 });
    const limited = await errorOf(
      started.handle.sendText({
        target: target(limitedChannel),
        text: 'x',
        formatted: true,
        deliveryId: 'err:0',
      }),
    );
    expect(limited).toBeInstanceOf(ChannelSendError);
    expect((limited as ChannelSendError).options).toMatchObject({ retryable: true, status: 429 });
    expect((limited as ChannelSendError).options.retryAfterMs).toBeGreaterThanOrEqual(2_000);

    fake.failNext({
      method: 'POST',
      path: /\/messages$/,
      status: 403,
      code: 50013,
      message: 'Missing Permissions',
    });
    const forbidden = await errorOf(send('err:1'));
    expect((forbidden as ChannelSendError).options).toMatchObject({
      retryable: false,
      status: 403,
    });
    expect((forbidden as ChannelSendError).message).toContain('Missing Permissions');

    const tooLong = await errorOf(
      started.handle.sendText({
        target: target(guild.channelId),
        text: 'y'.repeat(2001),
        formatted: true,
        deliveryId: 'err:2',
      }),
    );
    expect((tooLong as ChannelSendError).options).toMatchObject({ retryable: false, status: 400 });
    expect((tooLong as ChannelSendError).message).toContain('2000 or fewer');

    // discord.js retries a 5xx three times itself; four in a row reach us.
    fake.failNext({ method: 'POST', path: /\/messages$/, status: 502, times: 4 });
    const unavailable = await errorOf(send('err:3'));
    expect((unavailable as ChannelSendError).options).toMatchObject({
      retryable: true,
      status: 502,
    });
  });

  it('resumes after a dropped connection and gets the messages sent meanwhile', async () => {
    const erin = fake.addUser('erin');
    const dm = fake.dmChannel(erin);
    const resumesBefore = fake.gateway.resumes;
    fake.dropConnections();
    const missed = fake.userMessage({
      channelId: dm.id,
      author: erin,
      content: 'while you were away',
    });
    await waitUntil(
      () => started.received.some((m) => m.platformMessageId === missed.id),
      'replayed message',
    );
    expect(fake.gateway.resumes).toBe(resumesBefore + 1);
    expect(started.status.connected).toBe(true);
  });

  it('resumes when Discord asks it to reconnect (op 7)', async () => {
    const frank = fake.addUser('frank');
    const dm = fake.dmChannel(frank);
    const resumesBefore = fake.gateway.resumes;
    fake.requestReconnect();
    await waitUntil(() => fake.gateway.resumes > resumesBefore, 'the resume');
    const message = fake.userMessage({ channelId: dm.id, author: frank, content: 'after op 7' });
    await waitUntil(
      () => started.received.some((m) => m.platformMessageId === message.id),
      'message',
    );
  });

  it('identifies anew when its session cannot be resumed (op 9)', async () => {
    const gina = fake.addUser('gina');
    const dm = fake.dmChannel(gina);
    const identifiesBefore = fake.gateway.identifies;
    fake.invalidateSessions();
    fake.dropConnections();
    await waitUntil(() => fake.gateway.identifies > identifiesBefore, 'a new identify');
    const message = fake.userMessage({ channelId: dm.id, author: gina, content: 'after op 9' });
    await waitUntil(
      () => started.received.some((m) => m.platformMessageId === message.id),
      'message',
    );
  });

  it('fails to start with a bad token, naming the reason', async () => {
    await expect(startAccount(fake, 'not-the-token')).rejects.toThrow(/token/i);
  });

  it('fails to start when the Message Content intent is not granted, saying where to turn it on', async () => {
    const strict = await startDiscordFake({ messageContentIntentDisabled: true });
    try {
      await expect(startAccount(strict)).rejects.toThrow(/Message Content Intent/);
    } finally {
      await strict.close();
    }
  });
});
