// Matrix end to end against a real homeserver: Dendrite (one per test run, see
// test/setup/dendrite-server.ts), the real matrix-js-sdk inside the channel, the gateway
// with its channel manager and delivery worker, the agent worker, Temporal and the
// scripted LLM. People talk to the bot over the client-server API as any client would.
// Worker crashes (separate processes) are in matrix-crash.test.ts.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';
import { createMatrixUser, type DendriteInfo, type MatrixTestUser } from '../helpers/dendrite.js';
import { MatrixPerson, type RoomEvent } from '../helpers/matrix-person.js';

// User names and session keys are unique to this file: the homeserver and Temporal are shared.
const agentId = 'mxmain';
const prefix = `mx${process.pid}`;

let dendrite: DendriteInfo;
let llm: FakeLlmServer;
let bot: MatrixTestUser;
let alice: MatrixPerson;
let bob: MatrixPerson;
let harness: ChannelGatewayHarness;

const llmSaw = (text: string) => llm.requests.filter((request) => request.userText.includes(text));
const fromBot = (events: RoomEvent[]) => events.filter((event) => event.sender === bot.userId);

beforeAll(async () => {
  const info = inject('dendrite');
  if (!info) throw new Error('no Dendrite in this run (test/setup/dendrite-server.ts)');
  dendrite = info;
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  bot = await createMatrixUser(dendrite, `${prefix}bot`);
  alice = new MatrixPerson(dendrite, await createMatrixUser(dendrite, `${prefix}alice`));
  bob = new MatrixPerson(dendrite, await createMatrixUser(dendrite, `${prefix}bob`));
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    config: {
      agent: { id: agentId },
      session: { dmScope: 'per-channel-peer' },
      // Alice is the owner: her DM sends MEDIA: files of the owner's workspace (a stranger's
      // reply could name only files of its own sandbox).
      security: { owners: [`matrix:${alice.userId}`] },
    },
    channels: {
      matrix: {
        homeserver: dendrite.url,
        userId: bot.userId,
        // A password login: the session (and the sync token) are kept in the state dir.
        password: bot.password,
        allowFrom: [alice.userId, bob.userId],
        groupPolicy: 'open',
        groups: { '*': { requireMention: true } },
      },
    },
  });
});

afterAll(async () => {
  await harness?.close();
  await llm?.close();
});

describe('matrix channel against Dendrite', () => {
  let direct: string;

  it('joins a direct chat it is invited to and answers with HTML formatted_body', async () => {
    direct = await alice.createDirectRoom(bot.userId);
    await alice.waitForJoin(direct, bot.userId);
    llm.scriptFor('hello matrix', [{ kind: 'text', text: 'Hello **Alice**, see `code`.' }]);
    const asked = await alice.say(direct, 'hello matrix');
    const [reply] = await alice.waitForMessagesFrom(bot.userId, direct);
    expect(reply!.content).toMatchObject({
      msgtype: 'm.text',
      body: 'Hello **Alice**, see `code`.',
      format: 'org.matrix.custom.html',
      formatted_body: 'Hello <strong>Alice</strong>, see <code>code</code>.',
    });
    // Quotes the message it answers (replyToMode first).
    expect(reply!.content['m.relates_to']?.['m.in_reply_to']?.event_id).toBe(asked);
  });

  it('starts no second turn for an edit of a message it answered', async () => {
    const original = await alice.say(direct, 'what is two plus two');
    await alice.waitForMessagesFrom(bot.userId, direct, 2);
    await alice.send(direct, {
      msgtype: 'm.text',
      body: '* what is two plus three',
      'm.new_content': { msgtype: 'm.text', body: 'what is two plus three' },
      'm.relates_to': { rel_type: 'm.replace', event_id: original },
    });
    await alice.say(direct, 'after the edit');
    const replies = await alice.waitForMessagesFrom(bot.userId, direct, 3);
    expect(replies.map((event) => event.content.body)).toEqual([
      'Hello **Alice**, see `code`.',
      'echo: what is two plus two',
      'echo: after the edit',
    ]);
    expect(llmSaw('two plus three')).toHaveLength(0);
  });

  it('joins a group room when invited and answers only when mentioned, in the thread asked in', async () => {
    const room = await alice.createRoom('Team room', [bob.userId, bot.userId]);
    await bob.join(room);
    await alice.waitForJoin(room, bot.userId);
    await alice.say(room, 'just chatting among people');
    const asked = await bob.send(room, {
      msgtype: 'm.text',
      body: `${bot.userId}: what time is it`,
      'm.mentions': { user_ids: [bot.userId] },
    });
    const [reply] = await alice.waitForMessagesFrom(bot.userId, room);
    expect(reply!.content.body).toBe(`echo: ${bot.userId}: what time is it`);
    expect(reply!.content['m.relates_to']?.['m.in_reply_to']?.event_id).toBe(asked);
    expect(llmSaw('just chatting among people')).toHaveLength(0);

    // A question inside a thread is answered in that thread.
    await bob.send(room, {
      msgtype: 'm.text',
      body: `${bot.userId} in the thread please`,
      'm.mentions': { user_ids: [bot.userId] },
      'm.relates_to': {
        rel_type: 'm.thread',
        event_id: asked,
        is_falling_back: true,
        'm.in_reply_to': { event_id: asked },
      },
    });
    const replies = await alice.waitForMessagesFrom(bot.userId, room, 2);
    expect(replies[1]!.content['m.relates_to']).toMatchObject({
      rel_type: 'm.thread',
      event_id: asked,
    });
    // The thread is its own session.
    const sessions = (await harness.call('sessions.list', {})) as {
      sessions: { key: string }[];
    };
    expect(sessions.sessions.some((session) => session.key.includes(':thread:'))).toBe(true);
  });

  it('gives the model an image and sends a file the model names with MEDIA:', async () => {
    const photo = Buffer.from('\u00ff\u00d8\u00ff not really a jpeg, but bytes all the same');
    const mxc = await alice.upload(photo, 'holiday.jpg', 'image/jpeg');
    await alice.send(direct, {
      msgtype: 'm.image',
      body: 'holiday.jpg',
      url: mxc,
      info: { mimetype: 'image/jpeg', size: photo.length },
    });
    await alice.waitForMessagesFrom(bot.userId, direct, 4);
    const seen = llm.requests.find((request) =>
      JSON.stringify(request.body).includes(photo.toString('base64')),
    );
    expect(seen).toBeDefined();
    const inbox = await readdir(join(harness.paths.workspaceDir, 'inbox'));
    expect(inbox.some((name) => name.endsWith('.jpg'))).toBe(true);

    const chart = join(harness.paths.workspaceDir, 'out', 'chart.png');
    await mkdir(join(harness.paths.workspaceDir, 'out'), { recursive: true });
    await writeFile(chart, Buffer.from('PNG chart bytes'));
    llm.scriptFor('send me the chart', [{ kind: 'text', text: `Here it is.\nMEDIA:${chart}` }]);
    await alice.say(direct, 'send me the chart');
    const replies = await alice.waitForMessagesFrom(bot.userId, direct, 6);
    const image = replies.find((event) => event.content.msgtype === 'm.image');
    expect(image?.content).toMatchObject({ filename: 'chart.png' });
    expect(await alice.download(image!.content.url!)).toEqual(Buffer.from('PNG chart bytes'));
    expect(replies.map((event) => event.content.body)).toContain('Here it is.');
  });

  it('splits a long reply into several messages, in order', async () => {
    const paragraphs = Array.from(
      { length: 55 },
      (_, index) =>
        `Paragraph ${index + 1}: ${'the quick brown fox jumps over the lazy dog. '.repeat(3)}`,
    );
    llm.scriptFor('write a lot', [{ kind: 'text', text: paragraphs.join('\n\n') }]);
    const before = fromBot(await alice.messages(direct)).length;
    await alice.say(direct, 'write a lot');
    const all = await alice.waitForMessagesFrom(bot.userId, direct, before + 1);
    const replies = await (async () => {
      for (;;) {
        const now = fromBot(await alice.messages(direct)).slice(before);
        if (now.some((event) => event.content.body?.includes('Paragraph 55:'))) return now;
        await sleep(150);
      }
    })();
    expect(all.length).toBeGreaterThan(before);
    expect(replies.length).toBeGreaterThanOrEqual(2);
    for (const chunk of replies) expect(chunk.content.body!.length).toBeLessThanOrEqual(4000);
    const numbers = [
      ...replies
        .map((event) => event.content.body)
        .join('\n')
        .matchAll(/Paragraph (\d+):/g),
    ];
    expect(numbers.map((match) => Number(match[1]))).toEqual(
      paragraphs.map((_, index) => index + 1),
    );
  });

  it('after a gateway restart answers what arrived while it was down once, and nothing old again', async () => {
    const room = await bob.createDirectRoom(bot.userId);
    await bob.waitForJoin(room, bot.userId);
    await bob.say(room, 'before the restart');
    await bob.waitForMessagesFrom(bot.userId, room);
    await harness.stopRuntime();
    await bob.say(room, 'while you were away');
    await harness.restart();
    const replies = await bob.waitForMessagesFrom(bot.userId, room, 2);
    await bob.say(room, 'and after');
    await bob.waitForMessagesFrom(bot.userId, room, 3);
    await sleep(500);
    expect(fromBot(await bob.messages(room)).map((event) => event.content.body)).toEqual([
      'echo: before the restart',
      'echo: while you were away',
      'echo: and after',
    ]);
    expect(replies).toHaveLength(2);
    expect(llmSaw('before the restart')).toHaveLength(1);
    expect(llmSaw('while you were away')).toHaveLength(1);
  });

  it('gives a stranger who opens a direct chat a pairing code and no turn', async () => {
    const carol = new MatrixPerson(dendrite, await createMatrixUser(dendrite, `${prefix}carol`));
    const room = await carol.createDirectRoom(bot.userId);
    await carol.waitForJoin(room, bot.userId);
    await carol.say(room, 'let me in');
    const [pairing] = await carol.waitForMessagesFrom(bot.userId, room);
    expect(pairing!.content.body).toContain(`matrixUserId: ${carol.userId}`);
    expect(llmSaw('let me in')).toHaveLength(0);
  });

  it('sets its read marker on a message it handled', async () => {
    const asked = await alice.say(direct, 'did you read this');
    await alice.waitForMessagesFrom(bot.userId, direct, 8);
    const receipts = async () => {
      const { chunk } = await alice.api<{ chunk: RoomEvent[] }>(
        'GET',
        `/rooms/${encodeURIComponent(direct)}/messages?dir=b&limit=5`,
      );
      return chunk;
    };
    // The human's sync shows the bot's m.read receipt on the message.
    for (;;) {
      const sync = await alice.api<{
        rooms?: { join?: Record<string, { ephemeral?: { events?: RoomEvent[] } }> };
      }>('GET', `/sync?timeout=0`);
      const ephemeral = sync.rooms?.join?.[direct]?.ephemeral?.events ?? [];
      const read = ephemeral.find((event) => event.type === 'm.receipt');
      const readers = read?.content[asked] as { 'm.read'?: Record<string, unknown> } | undefined;
      if (readers?.['m.read']?.[bot.userId]) break;
      await receipts();
      await sleep(200);
    }
  });

  it('lists the account as connected in channels.status', async () => {
    const { accounts } = (await harness.call('channels.status', { channel: 'matrix' })) as {
      accounts: { accountId: string; connected: boolean; botName?: string }[];
    };
    expect(accounts).toEqual([
      expect.objectContaining({ accountId: 'default', connected: true, botName: bot.userId }),
    ]);
  });
});
