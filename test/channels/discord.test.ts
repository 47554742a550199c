// Discord end to end: the real discord.js against the fake Discord, the real gateway runtime
// (channel manager, delivery worker, agent worker) in this process, real Temporal and the
// scripted LLM. What a Discord user would notice: replies, silence, pairing, chunks, retries.
import { setTimeout as sleep } from 'node:timers/promises';
import type { APIUser } from 'discord.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { discordChannel } from '../../channels/discord/index.js';
import { startDiscordFake } from '../fakes/discord/server.js';
import type { DiscordFake, SentMessage } from '../fakes/discord/server.js';
import { startFakeLlmServer } from '../fakes/llm-server.js';
import type { FakeLlmServer } from '../fakes/llm-server.js';
import { startChannelGateway } from '../helpers/channel-harness.js';
import type { ChannelGatewayHarness } from '../helpers/channel-harness.js';

const agentId = 'discord-e2e';

let llm: FakeLlmServer;
let fake: DiscordFake;
let harness: ChannelGatewayHarness;
let guild: { guildId: string; channelId: string };
let quiet: { guildId: string; channelId: string };
const users: Record<string, APIUser> = {};

async function until<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
) {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const sentIn = (channelId: string): SentMessage[] =>
  fake.sent.filter((s) => s.channelId === channelId);
const askedLlm = (text: string) => llm.requests.filter((r) => r.userText.includes(text)).length;

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startDiscordFake();
  for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'gina', 'hank', 'ivy', 'zed']) {
    users[name] = fake.addUser(name);
  }
  guild = fake.addGuild('Home');
  quiet = fake.addGuild('Elsewhere');
  const allowed = ['alice', 'bob', 'carol', 'dave', 'erin', 'gina', 'hank', 'ivy'].map(
    (name) => users[name]!.id,
  );
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [discordChannel],
    config: {
      agent: { id: agentId },
      session: { dmScope: 'per-channel-peer' },
      // The fake's attachment URLs are on 127.0.0.1: MEDIA: URLs obey web_fetch's allow-list.
      tools: { web: { fetch: { allowHosts: ['127.0.0.1'] } } },
    },
    channels: {
      discord: {
        apiBase: fake.apiBase,
        dmPolicy: 'pairing',
        allowFrom: allowed,
        groupPolicy: 'allowlist',
        groups: { [guild.channelId]: { requireMention: true } },
        accounts: {
          default: { token: fake.token },
          broken: { token: 'not-a-valid-token' },
        },
      },
    },
  });
  await until(() => fake.connectedSessions() > 0, 'the bot to connect');
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('Discord through discord.js, end to end', () => {
  it('answers a direct message in the DM, as a reply to it', async () => {
    const dm = fake.dmChannel(users.alice!);
    const message = fake.userMessage({
      channelId: dm.id,
      author: users.alice!,
      content: 'hello there',
    });
    const [reply] = await until(() => sentIn(dm.id).length > 0 && sentIn(dm.id), 'the reply');
    expect(reply).toMatchObject({ content: 'echo: hello there', replyTo: message.id });
    // "typing…" was shown in the DM while the turn ran.
    expect(fake.typing.some((t) => t.channelId === dm.id)).toBe(true);
  });

  it('the same message delivered again after a reconnect runs one turn and sends one reply', async () => {
    const dm = fake.dmChannel(users.bob!);
    const message = fake.userMessage({
      channelId: dm.id,
      author: users.bob!,
      content: 'only once please',
    });
    await until(() => sentIn(dm.id).length > 0, 'the first reply');
    // The gateway process restarts: a fresh discord.js client (empty cache) gets the same
    // MESSAGE_CREATE again, as a replaying gateway would hand it over.
    const identified = fake.gateway.identifies;
    await harness.restart();
    await until(() => fake.gateway.identifies > identified, 'the bot to reconnect');
    fake.dispatch({ t: 'MESSAGE_CREATE', d: { ...message, channel_type: 1 } });
    await sleep(2_000);
    expect(sentIn(dm.id).map((s) => s.content)).toEqual(['echo: only once please']);
    expect(askedLlm('only once please')).toBe(1);
  });

  it('stays silent in a guild channel without a mention, answers a mention in the channel', async () => {
    const before = llm.requests.length;
    fake.userMessage({
      channelId: guild.channelId,
      author: users.carol!,
      content: 'chatting among us',
    });
    fake.userMessage({
      channelId: quiet.channelId,
      author: users.carol!,
      content: 'not configured',
      mentionBot: true,
    });
    const mention = fake.userMessage({
      channelId: guild.channelId,
      author: users.carol!,
      content: 'what is up?',
      mentionBot: true,
    });
    const [reply] = await until(
      () => sentIn(guild.channelId).length > 0 && sentIn(guild.channelId),
      'reply',
    );
    expect(reply).toMatchObject({ replyTo: mention.id });
    expect(reply!.content).toContain('what is up?');
    expect(reply!.content).not.toContain(`<@${fake.bot.id}>`);
    expect(llm.requests.length).toBe(before + 1);
    expect(sentIn(quiet.channelId)).toHaveLength(0);
  });

  it('answers a mention inside a thread, in that thread', async () => {
    const thread = fake.addThread(guild.channelId, 'planning');
    const message = fake.userMessage({
      channelId: thread.id,
      author: users.dave!,
      content: 'thread question',
      mentionBot: true,
    });
    const [reply] = await until(
      () => sentIn(thread.id).length > 0 && sentIn(thread.id),
      'thread reply',
    );
    expect(reply).toMatchObject({ content: 'echo: thread question', replyTo: message.id });
  });

  it('splits a 9,000-character reply into ordered chunks of at most 2000 characters', async () => {
    const paragraphs = Array.from(
      { length: 34 },
      (_, index) => `Paragraph ${index}: ${'lorem ipsum dolor sit amet '.repeat(10).trim()}.`,
    );
    const text = paragraphs.join('\n\n');
    expect(text.length).toBeGreaterThan(9_000);
    llm.scriptFor('a very long answer', [{ kind: 'text', text }]);
    const dm = fake.dmChannel(users.erin!);
    const message = fake.userMessage({
      channelId: dm.id,
      author: users.erin!,
      content: 'a very long answer',
    });
    const chunks = await until(() => {
      const sent = sentIn(dm.id);
      return sent.some((s) => s.content.includes('Paragraph 33:')) && sent;
    }, 'every chunk');
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expect(chunks.every((chunk) => chunk.content.length <= 2000)).toBe(true);
    expect(chunks[0]!.replyTo).toBe(message.id);
    const joined = chunks.map((chunk) => chunk.content).join('\n\n');
    expect(joined.replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
  });

  it('a 429 on send is sat out for retry_after and the reply is delivered once', async () => {
    const dm = fake.dmChannel(users.gina!);
    fake.failNext({
      method: 'POST',
      path: new RegExp(`^/channels/${dm.id}/messages$`),
      status: 429,
      retryAfter: 2,
    });
    fake.userMessage({ channelId: dm.id, author: users.gina!, content: 'rate limited reply' });
    const [reply] = await until(() => sentIn(dm.id).length > 0 && sentIn(dm.id), 'the reply');
    const limited = fake.requests.find(
      (r) => r.status === 429 && r.path === `/channels/${dm.id}/messages`,
    );
    expect(limited).toBeDefined();
    expect(reply!.content).toBe('echo: rate limited reply');
    expect(reply!.at - limited!.at).toBeGreaterThanOrEqual(1_900);
    await sleep(1_000);
    expect(sentIn(dm.id)).toHaveLength(1);
  });

  it('a 403 from Discord is not retried and its message lands in the transcript', async () => {
    const dm = fake.dmChannel(users.hank!);
    fake.failNext({
      method: 'POST',
      path: new RegExp(`^/channels/${dm.id}/messages$`),
      status: 403,
      code: 50007,
      message: 'Cannot send messages to this user',
    });
    fake.userMessage({ channelId: dm.id, author: users.hank!, content: 'you cannot answer me' });
    const failed = await until(async () => {
      const entries = await harness.transcript(`agent:${agentId}:discord:dm:${users.hank!.id}`);
      return entries.find((entry) => entry.type === 'delivery' && entry.status === 'failed');
    }, 'the failed delivery');
    expect(failed.type === 'delivery' && failed.error).toContain(
      'Cannot send messages to this user',
    );
    await sleep(1_000);
    expect(sentIn(dm.id)).toHaveLength(0);
  });

  it('gives an inbound image to the model and uploads the files a reply names with MEDIA:', async () => {
    const dm = fake.dmChannel(users.ivy!);
    const png = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13]);
    const chart = fake.world.addAttachment(fake.apiBase.replace(/\/api$/, ''), {
      name: 'chart.png',
      contentType: 'image/png',
      data: png,
    });
    llm.scriptFor('describe my picture', [
      { kind: 'text', text: `Here it is.\nMEDIA:${chart.url}` },
    ]);
    fake.userMessage({
      channelId: dm.id,
      author: users.ivy!,
      content: 'describe my picture',
      attachments: [{ name: 'photo.png', contentType: 'image/png', data: png }],
    });
    const sent = await until(
      () => sentIn(dm.id).length >= 2 && sentIn(dm.id),
      'the text and the file',
    );
    expect(sent[0]!.content).toBe('Here it is.');
    expect(sent[1]!.files).toEqual([
      { name: 'chart.png', contentType: 'image/png', size: png.length },
    ]);
    const request = llm.requests.find((r) => r.userText.includes('describe my picture'));
    expect(JSON.stringify(request?.body)).toContain(Buffer.from(png).toString('base64'));
  });

  it('pairs an unknown DM sender: one code, no LLM call; once approved the next message is answered', async () => {
    const dm = fake.dmChannel(users.zed!);
    const requests = llm.requests.length;
    fake.userMessage({ channelId: dm.id, author: users.zed!, content: 'let me in' });
    const [notice] = await until(
      () => sentIn(dm.id).length > 0 && sentIn(dm.id),
      'the pairing code',
    );
    fake.userMessage({ channelId: dm.id, author: users.zed!, content: 'hello?' });
    await sleep(1_000);
    expect(sentIn(dm.id)).toHaveLength(1);
    expect(llm.requests.length).toBe(requests);
    expect(notice!.content).toContain(users.zed!.id);
    const code = /\b([A-HJ-NP-Z2-9]{8})\b/.exec(notice!.content)?.[1];
    expect(code).toBeDefined();
    expect(notice!.content).toContain(`clawdbot pairing approve discord ${code}`);

    await harness.call('pairing.approve', { channel: 'discord', code });
    await until(() => sentIn(dm.id).length > 1, 'the approval notice');
    fake.userMessage({ channelId: dm.id, author: users.zed!, content: 'now may I?' });
    await until(() => sentIn(dm.id).find((s) => s.content === 'echo: now may I?'), 'the answer');
  });

  it('shows a bad token in that account status while the other account serves', async () => {
    const status = await until(async () => {
      const result = (await harness.call('channels.status', { channel: 'discord' })) as {
        accounts: { accountId: string; connected: boolean; lastError?: string }[];
      };
      const broken = result.accounts.find((a) => a.accountId === 'broken');
      return broken?.lastError !== undefined && result;
    }, 'the broken account to report its error');
    const broken = status.accounts.find((a) => a.accountId === 'broken');
    expect(broken?.connected).toBe(false);
    expect(broken?.lastError).toMatch(/invalid token/i);
    expect(status.accounts.find((a) => a.accountId === 'default')).toMatchObject({
      connected: true,
    });
    const health = await fetch(`${harness.url}/health`);
    expect(health.ok).toBe(true);
  });
});
