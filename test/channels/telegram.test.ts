// Telegram end to end: the real grammy against the fake Bot API, the real gateway with its
// channel manager and delivery worker, the agent worker, Temporal and the scripted LLM —
// all in this process. Crashes of separate processes are in telegram-crash.test.ts.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseTelegramHtml } from '../fakes/telegram/html-entities.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startFakeTelegram, type FakeTelegram, type SentRecord } from '../fakes/telegram/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

// Session keys are unique to this file: every test file shares one Temporal server.
const agentId = 'tgmain';

let llm: FakeLlmServer;
let fake: FakeTelegram;
let harness: ChannelGatewayHarness;

const user = (id: number, name: string) => ({ id, first_name: name, username: name.toLowerCase() });
/** Messages the bot sent to one chat. */
const messagesTo = (chatId: number) =>
  fake.sent.filter((sent) => sent.method === 'sendMessage' && sent.chatId === chatId);
const llmSaw = (text: string) => llm.requests.filter((request) => request.userText.includes(text));
/** Wait until the bot sent `count` messages to a chat, then return them. */
const waitForMessages = (chatId: number, count = 1) =>
  fake.waitFor(() => messagesTo(chatId).length >= count && messagesTo(chatId));

/** Poll something that is not the fake's (a gateway method) until it has a value. */
async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(100);
  }
}

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeTelegram();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    config: {
      agent: { id: agentId },
      session: { dmScope: 'per-channel-peer' },
      // Gina is the owner: a reply to anyone else may send files of its sandbox workspace only.
      security: { owners: ['telegram:7007'] },
    },
    channels: {
      telegram: {
        apiRoot: fake.apiRoot,
        allowFrom: [7001, 7002, 7003, 7004, 7005, 7007, 7008],
        groups: { '-100900': { requireMention: true } },
        accounts: {
          default: { botToken: fake.token },
          broken: { botToken: '999999:not-a-valid-token' },
        },
      },
    },
    tuning: { restart: { initialMs: 200, maxMs: 1000 } },
  });
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('telegram channel, end to end', () => {
  it('answers a direct message in its chat, quoting it', async () => {
    const alice = user(7001, 'Alice');
    const update = fake.userSends({ from: alice, text: 'hello from telegram' });
    const [reply] = await waitForMessages(alice.id);
    expect(reply).toMatchObject({
      text: 'echo: hello from telegram',
      replyToMessageId: update.message!.message_id,
    });
    // Confirmed only after the runtime took it; nothing is left for a restart to redo.
    await fake.waitFor(() => fake.unconfirmed().length === 0);
  });

  it('runs one turn and sends one reply when Telegram delivers the same message twice', async () => {
    const bob = user(7002, 'Bob');
    const update = fake.userSends({ from: bob, text: 'only once please' });
    // Telegram re-sends an update it did not see confirmed (same message, new update_id).
    fake.pushUpdate({ message: update.message! });
    const [reply] = await waitForMessages(bob.id);
    expect(reply!.text).toBe('echo: only once please');
    // A later message of the same chat is answered after the first turn has finished.
    fake.userSends({ from: bob, text: 'second message' });
    await waitForMessages(bob.id, 2);
    expect(messagesTo(bob.id).map((sent) => sent.text)).toEqual([
      'echo: only once please',
      'echo: second message',
    ]);
    expect(llmSaw('only once please')).toHaveLength(1);
  });

  it('runs no second turn when an update comes again after its reply went out', async () => {
    // A gateway killed after queueing a message but before confirming its offset gets the
    // update again on restart, possibly long after the turn finished.
    const hank = user(7008, 'Hank');
    const update = fake.userSends({ from: hank, text: 'answered already' });
    await waitForMessages(hank.id);
    fake.pushUpdate({ message: update.message! });
    fake.userSends({ from: hank, text: 'a new question' });
    await waitForMessages(hank.id, 2);
    expect(messagesTo(hank.id).map((sent) => sent.text)).toEqual([
      'echo: answered already',
      'echo: a new question',
    ]);
    expect(llmSaw('answered already')).toHaveLength(1);
  });

  it('gives an unknown sender one pairing code and no turn; once approved, answers', async () => {
    const stranger = user(7999, 'Stranger');
    fake.userSends({ from: stranger, text: 'let me in' });
    const [pairing] = await waitForMessages(stranger.id);
    const code = /\b[A-HJ-NP-Z2-9]{8}\b/.exec(pairing!.text ?? '')?.[0];
    expect(code).toBeDefined();
    expect(pairing!.text).toContain(`telegramUserId: ${stranger.id}`);
    // Writing again while the request is pending sends no second code.
    fake.userSends({ from: stranger, text: 'hello?' });
    fake.userSends({ from: stranger, text: 'anyone?' });
    await fake.waitFor(() => fake.unconfirmed().length === 0);
    expect(llmSaw('let me in')).toHaveLength(0);

    const approved = (await harness.call('pairing.approve', { channel: 'telegram', code })) as {
      senderId: string;
      notified: boolean;
    };
    expect(approved).toMatchObject({ senderId: String(stranger.id), notified: true });
    await waitForMessages(stranger.id, 2); // the notice of approval
    fake.userSends({ from: stranger, text: 'now answer me' });
    const all = await fake.waitFor(
      () =>
        messagesTo(stranger.id).some((sent) => sent.text === 'echo: now answer me') &&
        messagesTo(stranger.id),
    );
    expect(all).toHaveLength(3);
    expect(llmSaw('let me in')).toHaveLength(0);
  });

  it('in a forum group answers only when mentioned, in the topic it was asked in', async () => {
    const carol = user(7003, 'Carol');
    const group = {
      id: -100900,
      type: 'supergroup' as const,
      title: 'Team',
      is_forum: true as const,
    };
    fake.userSends({ from: carol, chat: group, threadId: 42, text: 'chatting among ourselves' });
    const asked = fake.userSends({
      from: carol,
      chat: group,
      threadId: 42,
      text: `@${fake.bot.username} what is up`,
    });
    const [reply] = await waitForMessages(group.id);
    expect(reply).toMatchObject({
      threadId: 42,
      replyToMessageId: asked.message!.message_id,
    });
    expect(reply!.text).toContain('what is up');
    expect(llmSaw('chatting among ourselves')).toHaveLength(0);
    expect(messagesTo(group.id)).toHaveLength(1);
    // The topic is a session of its own.
    const topicSession = await harness.store.get(
      `agent:${agentId}:telegram:group:-100900:topic:42`,
    );
    expect(topicSession).toBeDefined();
    // A group that is not allowed gets nothing, mention or not.
    const other = { id: -100901, type: 'group' as const, title: 'Elsewhere' };
    fake.userSends({ from: carol, chat: other, text: `@${fake.bot.username} hello?` });
    await fake.waitFor(() => fake.unconfirmed().length === 0);
    expect(llmSaw('hello?')).toHaveLength(0);
  });

  it('splits a 9,000-character reply into messages within the limit, in order', async () => {
    const dave = user(7004, 'Dave');
    const paragraphs = Array.from(
      { length: 55 },
      (_, index) =>
        `Paragraph ${index + 1}: ${'the quick brown fox **jumps** over the lazy dog & co. '.repeat(3)}`,
    );
    const long = paragraphs.join('\n\n');
    expect(long.length).toBeGreaterThan(9000);
    llm.scriptFor('write a lot', [{ kind: 'text', text: long }]);
    fake.userSends({ from: dave, text: 'write a lot' });
    const replies = await fake.waitFor(() => {
      const sent = messagesTo(dave.id);
      return sent.some((s) => s.text?.includes('Paragraph 55:')) && sent;
    });
    expect(replies.length).toBeGreaterThanOrEqual(3);
    for (const chunk of replies) {
      expect(chunk.rawText!.length).toBeLessThanOrEqual(4000);
      expect(chunk.parseMode).toBe('HTML');
    }
    const shown = replies.map((chunk: SentRecord) => chunk.text).join('\n');
    const numbers = [...shown.matchAll(/Paragraph (\d+):/g)].map((match) => Number(match[1]));
    expect(numbers).toEqual(paragraphs.map((_, index) => index + 1));
    expect(parseTelegramHtml(replies[0]!.rawText!).ok).toBe(true);
    expect(replies[0]!.rawText).toContain('<b>jumps</b>');
  });

  it('waits retry_after on a 429 and then delivers the reply once', async () => {
    const erin = user(7005, 'Erin');
    fake.failNext('sendMessage', { kind: 'rate-limit', retryAfterSeconds: 1 });
    fake.userSends({ from: erin, text: 'rate limited' });
    const [reply] = await waitForMessages(erin.id);
    expect(reply!.text).toBe('echo: rate limited');
    const sends = fake.calls.filter((call) => call.method === 'sendMessage');
    const limited = sends.find((call) => call.status === 429)!;
    const delivered = sends.find((call) => call.status === 200 && call.at > limited.at)!;
    expect(delivered.at - limited.at).toBeGreaterThanOrEqual(900);
    // A later turn in the chat proves nothing else of the first reply is on its way.
    fake.userSends({ from: erin, text: 'after the limit' });
    await waitForMessages(erin.id, 2);
    expect(messagesTo(erin.id).map((sent) => sent.text)).toEqual([
      'echo: rate limited',
      'echo: after the limit',
    ]);
  });

  it('gives the model a photo as an image and sends a file it names with MEDIA: as a photo', async () => {
    const gina = user(7007, 'Gina');
    const photo = Buffer.from('\u00ff\u00d8\u00ff not really a jpeg, but bytes all the same');
    fake.userSends({ from: gina, caption: 'what is in this picture', photo: { bytes: photo } });
    await waitForMessages(gina.id);
    const [request] = llmSaw('what is in this picture');
    expect(JSON.stringify(request!.body)).toContain(photo.toString('base64'));
    const inbox = await readdir(join(harness.paths.workspaceDir, 'inbox'));
    expect(inbox.some((name) => name.endsWith('.jpg'))).toBe(true);

    const chart = join(harness.paths.workspaceDir, 'out', 'chart.png');
    await mkdir(join(harness.paths.workspaceDir, 'out'), { recursive: true });
    await writeFile(chart, Buffer.from('PNG chart bytes'));
    llm.scriptFor('send me the chart', [{ kind: 'text', text: `Here it is.\nMEDIA:${chart}` }]);
    fake.userSends({ from: gina, text: 'send me the chart' });
    const upload = await fake.waitFor(() =>
      fake.sent.find((sent) => sent.method === 'sendPhoto' && sent.chatId === gina.id),
    );
    expect(upload.file).toEqual({ fileName: 'chart.png', bytes: Buffer.from('PNG chart bytes') });
    expect(messagesTo(gina.id).map((sent) => sent.text)).toContain('Here it is.');
  });

  it('shows a bad token in that account status while the gateway and the other account serve', async () => {
    const broken = await until(async () => {
      const { accounts } = (await harness.call('channels.status', { channel: 'telegram' })) as {
        accounts: { accountId: string; lastError?: string; connected: boolean }[];
      };
      const account = accounts.find((entry) => entry.accountId === 'broken');
      return account?.lastError ? { account, accounts } : undefined;
    });
    expect(broken.account.lastError).toMatch(/401/);
    expect(broken.account.connected).toBe(false);
    expect(broken.accounts.find((entry) => entry.accountId === 'default')).toMatchObject({
      connected: true,
    });
    const health = await fetch(`${harness.url}/health`);
    expect(health.status).toBe(200);
    const frank = user(7006, 'Frank');
    fake.userSends({ from: frank, text: 'still there?' });
    // 7006 is not in allowFrom: the working account answers with a pairing code.
    await waitForMessages(frank.id);
  });
});
