import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DeliveryEntry, TranscriptEntry } from '../../core/sessions/index.js';
import { startFakeLlmServer, type FakeLlmServer } from '../../test/fakes/llm-server.js';
import {
  startChannelGateway,
  type ChannelGatewayHarness,
} from '../../test/helpers/channel-harness.js';
import { createTestChannel, type TestChannel } from '../../test/helpers/test-channel.js';

// channels/runtime's own mechanics (manager, inbound, channel.deliver), through the real
// runtime (gateway, channel manager, delivery worker, agent worker) and Temporal, with a
// platform-less test channel. Per-platform behaviour is tested against each platform's
// fake with its real SDK (test/channels/).

let llm: FakeLlmServer;
let channel: TestChannel;
let harness: ChannelGatewayHarness;

const agentId = 'chcore';
const keyOf = (sender: string) => `agent:${agentId}:testchat:dm:${sender}`;

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string) {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const sentTo = (chatId: string) =>
  channel.sends.filter((send) => send.op === 'text' && send.target.chatId === chatId);
const deliveries = (entries: TranscriptEntry[]) =>
  entries.filter((entry): entry is DeliveryEntry => entry.type === 'delivery');

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  channel = createTestChannel();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [channel.plugin],
    config: {
      agent: { id: agentId },
      session: { dmScope: 'per-channel-peer' },
      // Erin is the owner: a reply to anyone else sends files of its sandbox workspace only.
      security: { owners: ['testchat:erin'] },
    },
    channels: {
      testchat: {
        token: 't',
        dmPolicy: 'allowlist',
        allowFrom: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'],
        groupPolicy: 'allowlist',
        groups: { g1: { requireMention: true } },
        accounts: {
          default: {},
          broken: { token: 'bad-token' },
          pairing: { dmPolicy: 'pairing', allowFrom: [] },
        },
      },
    },
    tuning: { restart: { initialMs: 100, maxMs: 400 }, typingIntervalMs: 200 },
  });
  await until(() => channel.startAttempts.get('default'), 'the default account to start');
});

afterAll(async () => {
  await harness?.close();
  await llm?.close();
});

describe('channel runtime', () => {
  it('answers a direct message in its chat, as a reply to it, and records the delivery', async () => {
    const outcome = await channel.inject('default', { senderId: 'alice', text: 'hello there' });
    expect(outcome.status).toBe('accepted');
    const [reply] = await until(
      () => (sentTo('alice').length > 0 ? sentTo('alice') : undefined),
      'reply',
    );
    expect(reply!.text).toBe('echo: hello there');
    expect(reply!.replyToMessageId).toBeDefined();
    const entries = await until(async () => {
      const all = await harness.transcript(keyOf('alice'));
      return deliveries(all).length > 0 ? all : undefined;
    }, 'the delivery entry');
    expect(deliveries(entries)).toMatchObject([{ status: 'sent', index: 0, chatId: 'alice' }]);
    // Typing was shown while the turn ran.
    expect(
      channel.sends.some((send) => send.op === 'typing' && send.target.chatId === 'alice'),
    ).toBe(true);
  });

  it('the same platform message delivered twice runs one turn and sends one reply', async () => {
    const message = { senderId: 'bob', text: 'only once', platformMessageId: 'dup-1' };
    await channel.inject('default', message);
    await channel.inject('default', message);
    await until(() => sentTo('bob').length > 0 || undefined, 'reply');
    await sleep(1500);
    expect(sentTo('bob').map((send) => send.text)).toEqual(['echo: only once']);
    expect(llm.requests.filter((request) => request.userText === 'only once')).toHaveLength(1);
  });

  it('a message redelivered after its session workflow ended is not answered again', async () => {
    const message = { senderId: 'grace', text: 'answer me once', platformMessageId: 'late-1' };
    await channel.inject('default', message);
    await until(() => sentTo('grace').length > 0 || undefined, 'reply');
    // The session workflow ends after an hour idle, taking its seen ids with it.
    const session = harness.client.workflow.getHandle(`session:${keyOf('grace')}`);
    await until(
      async () => (await session.describe()).status.name === 'RUNNING' || undefined,
      'run',
    );
    await session.terminate('as if idle for an hour');
    expect(await channel.inject('default', message)).toMatchObject({ status: 'duplicate' });
    await sleep(1500);
    expect(sentTo('grace').map((send) => send.text)).toEqual(['echo: answer me once']);
    expect(llm.requests.filter((request) => request.userText === 'answer me once')).toHaveLength(1);
  });

  it('a long reply goes out in ordered chunks within the limit, only chunk 0 quoting', async () => {
    const words = Array.from({ length: 60 }, (_, index) => `word${index}`).join(' ');
    llm.scriptFor('long please', [{ kind: 'text', text: `**Start** ${words}` }]);
    await channel.inject('default', { senderId: 'carol', text: 'long please' });
    const chunks = await until(
      () =>
        sentTo('carol').some((chunk) => chunk.text?.includes('word59'))
          ? sentTo('carol')
          : undefined,
      'the last chunk',
    );
    expect(chunks.every((chunk) => (chunk.text ?? '').length <= 100)).toBe(true);
    expect(chunks[0]!.text).toMatch(/^<b>Start<\/b>/);
    expect(chunks[0]!.replyToMessageId).toBeDefined();
    expect(chunks.slice(1).every((chunk) => chunk.replyToMessageId === undefined)).toBe(true);
    const joined = chunks
      .map((chunk) => chunk.text)
      .join(' ')
      .replace(/\s+/g, ' ');
    expect(joined).toContain('word0 word1');
    expect(joined.indexOf('word59')).toBeGreaterThan(joined.indexOf('word30'));
    expect(new Set(chunks.map((chunk) => chunk.deliveryId)).size).toBe(chunks.length);
  });

  it('a retried delivery never re-sends a chunk already sent', async () => {
    const words = Array.from({ length: 40 }, (_, index) => `part${index}`).join(' ');
    llm.scriptFor('retry chunks', [{ kind: 'text', text: words }]);
    // Chunk 0 goes out; chunk 1 fails with a network error: the activity is retried.
    channel.failNext('dave', null, { kind: 'network' });
    const before = channel.sends.length;
    await channel.inject('default', { senderId: 'dave', text: 'retry chunks' });
    const entries = await until(async () => {
      const all = deliveries(await harness.transcript(keyOf('dave')));
      const sent = sentTo('dave');
      return sent.length >= 2 && all.length === sent.length ? all : undefined;
    }, 'every chunk delivered');
    const sent = sentTo('dave');
    expect(channel.sends.length).toBeGreaterThan(before);
    // Each delivery id exactly once: nothing re-sent by the retried attempt.
    const ids = sent.map((send) => send.deliveryId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(entries.map((entry) => entry.index)).toEqual(sent.map((_, index) => index));
  });

  it('a 429 is retried after retry_after and delivered once', async () => {
    channel.failNext('erin', { kind: 'rate-limit', retryAfterMs: 1500 });
    const started = Date.now();
    await channel.inject('default', { senderId: 'erin', text: 'rate limited' });
    const [reply] = await until(
      () => (sentTo('erin').length > 0 ? sentTo('erin') : undefined),
      'reply',
    );
    expect(reply!.text).toBe('echo: rate limited');
    expect(reply!.at - started).toBeGreaterThanOrEqual(1500);
    await sleep(500);
    expect(sentTo('erin')).toHaveLength(1);
  });

  it('a platform 4xx is not retried and its message is recorded in the transcript', async () => {
    channel.failNext('frank', {
      kind: 'reject',
      status: 403,
      message: 'Forbidden: bot was blocked by the user',
    });
    await channel.inject('default', { senderId: 'frank', text: 'blocked' });
    const failed = await until(
      async () =>
        deliveries(await harness.transcript(keyOf('frank'))).find(
          (entry) => entry.status === 'failed',
        ),
      'the failed delivery entry',
    );
    expect(failed.error).toBe('Forbidden: bot was blocked by the user');
    await sleep(1500);
    expect(sentTo('frank')).toHaveLength(0);
  });

  it('sends MEDIA: files from the workspace only, and refuses private-network URLs', async () => {
    const inside = join(harness.paths.workspaceDir, 'out', 'report.txt');
    await mkdir(join(harness.paths.workspaceDir, 'out'), { recursive: true });
    await writeFile(inside, 'report');
    llm.scriptFor('media ok', [{ kind: 'text', text: 'Here.\nMEDIA:out/report.txt' }]);
    await channel.inject('default', { senderId: 'erin', text: 'media ok' });
    const sent = await until(
      () => channel.sends.find((send) => send.op === 'media' && send.target.chatId === 'erin'),
      'the media upload',
    );
    expect(sent.op === 'media' && sent.source).toBe(await realpath(inside));

    for (const [prompt, source] of [
      ['media secret', '/etc/passwd'],
      ['media escape', '../clawdbot.json'],
      ['media intranet', 'http://10.0.0.1/admin'],
    ] as const) {
      llm.scriptFor(prompt, [{ kind: 'text', text: `Here.\nMEDIA:${source}` }]);
      await channel.inject('default', { senderId: 'dave', text: prompt });
      const refused = await until(
        async () =>
          deliveries(await harness.transcript(keyOf('dave'))).find(
            (entry) => entry.status === 'failed' && (entry.error ?? '').includes(source),
          ),
        `the refusal of ${source}`,
      );
      expect(refused.error ?? '').toMatch(/outside the workspace|private|Refused/);
    }
    expect(
      channel.sends.filter((send) => send.op === 'media' && send.target.chatId === 'dave'),
    ).toEqual([]);
  });

  it('falls back to plain text when the platform rejects the formatting', async () => {
    llm.scriptFor('format me', [{ kind: 'text', text: '**bold** words' }]);
    channel.failNext('alice-2', { kind: 'formatting' });
    await channel.inject('default', { senderId: 'alice', chatId: 'alice-2', text: 'format me' });
    const [reply] = await until(
      () => (sentTo('alice-2').length > 0 ? sentTo('alice-2') : undefined),
      'reply',
    );
    expect(reply).toMatchObject({ text: '**bold** words', formatted: false });
  });

  it('drops with a logged reason: unknown DM sender under allowlist, group without mention', async () => {
    const requests = llm.requests.length;
    expect(await channel.inject('default', { senderId: 'mallory', text: 'hi' })).toEqual({
      status: 'dropped',
      reason: 'dm-not-allowed',
    });
    expect(
      await channel.inject('default', {
        chatType: 'group',
        chatId: 'g1',
        senderId: 'alice',
        text: 'hi all',
      }),
    ).toEqual({ status: 'dropped', reason: 'no-mention' });
    expect(
      await channel.inject('default', {
        chatType: 'group',
        chatId: 'g2',
        senderId: 'alice',
        text: 'hi',
      }),
    ).toEqual({ status: 'dropped', reason: 'group-not-allowed' });
    const mentioned = await channel.inject('default', {
      chatType: 'group',
      chatId: 'g1',
      threadId: 't9',
      senderId: 'alice',
      text: '@testbot hello group',
      mentioned: true,
    });
    expect(mentioned.status).toBe('accepted');
    const [reply] = await until(
      () => (sentTo('g1').length > 0 ? sentTo('g1') : undefined),
      'group reply',
    );
    expect(reply!.target.threadId).toBe('t9');
    expect(llm.requests.length).toBe(requests + 1);
  });

  it('pairing: one code per pending sender, no LLM call; approve lets the next message through', async () => {
    const requests = llm.requests.length;
    const first = await channel.inject('pairing', { senderId: 'zed', text: 'let me in' });
    expect(first.status).toBe('pairing');
    const second = await channel.inject('pairing', { senderId: 'zed', text: 'please' });
    expect(second).toEqual({ status: 'dropped', reason: 'pairing-pending' });
    const notices = sentTo('zed');
    expect(notices).toHaveLength(1);
    const code = (first as { code: string }).code;
    expect(code).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/);
    expect(notices[0]!.text).toContain('testUserId: zed');
    expect(notices[0]!.text).toContain(`clawdbot pairing approve testchat ${code}`);
    expect(llm.requests.length).toBe(requests);

    const listed = (await harness.call('pairing.list', { channel: 'testchat' })) as {
      requests: { code: string; senderId: string }[];
    };
    expect(listed.requests).toContainEqual(expect.objectContaining({ code, senderId: 'zed' }));
    const approved = await harness.call('pairing.approve', { channel: 'testchat', code });
    expect(approved).toMatchObject({ senderId: 'zed', notified: true });
    expect(sentTo('zed').at(-1)!.text).toContain('approved');

    expect((await channel.inject('pairing', { senderId: 'zed', text: 'now?' })).status).toBe(
      'accepted',
    );
    await until(
      () => sentTo('zed').find((send) => send.text === 'echo: now?'),
      'answer after approval',
    );
  });

  it('send delivers outside any turn, once per idempotency key', async () => {
    const params = {
      channel: 'testchat',
      accountId: 'default',
      to: 'outbound-1',
      message: 'hello **there**',
      idempotencyKey: 'send-1',
    };
    const first = (await harness.call('send', params)) as { messageId: string };
    const second = (await harness.call('send', params)) as { messageId: string };
    expect(second.messageId).toBe(first.messageId);
    expect(sentTo('outbound-1')).toMatchObject([{ text: 'hello <b>there</b>', formatted: true }]);
  });

  it('a failing account is retried with backoff and shown in status while others serve', async () => {
    await until(() => (channel.startAttempts.get('broken') ?? 0) >= 3 || undefined, 'retries');
    const status = (await harness.call('channels.status')) as {
      accounts: { accountId: string; running: boolean; connected: boolean; lastError?: string }[];
    };
    const broken = status.accounts.find((account) => account.accountId === 'broken')!;
    expect(broken).toMatchObject({ running: false, lastError: '401 Unauthorized: invalid token' });
    const healthy = status.accounts.find((account) => account.accountId === 'default')!;
    expect(healthy).toMatchObject({ running: true, connected: true });
    expect(healthy.lastError).toBeUndefined();
    const health = (await (await fetch(`${harness.url}/health`)).json()) as {
      ok: boolean;
      channels: { accountId: string; lastError?: string }[];
    };
    expect(health.ok).toBe(true);
    expect(health.channels.map((account) => account.accountId).sort()).toEqual([
      'broken',
      'default',
      'pairing',
    ]);
  });
});
