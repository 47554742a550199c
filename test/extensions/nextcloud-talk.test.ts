// Nextcloud Talk (bundled plugin) end to end: the channel against the fake Talk server
// (signed bot message endpoint, room lookup), events signed as Talk signs them, the real
// gateway with its channel manager and delivery worker, the agent worker, Temporal and the
// scripted LLM — all in this process.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { builtInChannels } from '../../channels/index.js';
import { nextcloudTalkChannel } from '../../extensions/nextcloud-talk/index.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { messageEvent, type TalkPerson } from '../fakes/nextcloud-talk/events.js';
import {
  startFakeNextcloudTalk,
  type FakeNextcloudTalk,
  type TalkSent,
} from '../fakes/nextcloud-talk/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

const agentId = 'nextcloud-talk-main';
const botName = 'Clawd';

let llm: FakeLlmServer;
let fake: FakeNextcloudTalk;
let harness: ChannelGatewayHarness;
let webhook: string;

const person = (n: number): TalkPerson => ({ id: `person${n}`, name: `Person ${n}` });
const oneToOne = (n: number) => ({ token: `dm${n}tok`, name: `Person ${n}` });
const team = { token: 'teamroom1', name: 'Team' };
const sentIn = (room: string) => fake.sent.filter((sent) => sent.room === room);
const textsIn = (room: string) => sentIn(room).map((sent) => sent.message);
const llmSaw = (text: string) => llm.requests.filter((request) => request.userText.includes(text));
const waitForSent = (room: string, count = 1): Promise<TalkSent[]> =>
  fake.waitFor(() => sentIn(room).length >= count && sentIn(room));
const say = (room: { token: string; name: string }, who: TalkPerson, text: string) => {
  const id = fake.nextMessageId();
  return { id, event: messageEvent(room, who, id, text) };
};

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeNextcloudTalk();
  for (const n of [1, 2, 3, 5, 99]) fake.addRoom(oneToOne(n).token, 1, oneToOne(n).name);
  fake.addRoom(team.token, 2, team.name);
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [...builtInChannels, nextcloudTalkChannel],
    config: { agent: { id: agentId }, session: { dmScope: 'per-channel-peer' } },
    channels: {
      'nextcloud-talk': {
        baseUrl: fake.url,
        botSecret: fake.secret,
        botName,
        apiUser: fake.apiUser,
        apiPassword: fake.apiPassword,
        allowFrom: [1, 2, 3, 4, 5].map((n) => `users/${person(n).id}`),
        rooms: { [team.token]: { requireMention: true } },
      },
    },
  });
  webhook = `${harness.url}/nextcloud-talk-webhook`;
  // The route exists once the account has started.
  while ((await fake.postEvent(webhook, {})).status === 404) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('nextcloud-talk plugin channel, end to end', () => {
  it('answers in a one-to-one conversation through the signed bot endpoint', async () => {
    const { event } = say(oneToOne(1), person(1), 'hello from talk');
    expect((await fake.postEvent(webhook, event)).status).toBe(200);
    const [reply] = await waitForSent(oneToOne(1).token);
    expect(reply).toMatchObject({ message: 'echo: hello from talk' });
    expect(reply!.referenceId).toMatch(/^[0-9a-f]{64}$/);
    // Every send the fake saw carried a valid signature.
    expect(fake.sendAttempts.every((attempt) => attempt.status === 201)).toBe(true);
  });

  it('refuses badly signed events and events from another server: 401 and no turn', async () => {
    const forged = say(oneToOne(2), person(2), 'forged message').event;
    expect((await fake.postEvent(webhook, forged, { badSignature: true })).status).toBe(401);
    const elsewhere = say(oneToOne(2), person(2), 'from elsewhere').event;
    const otherBackend = { backend: 'https://evil.example.com/' };
    expect((await fake.postEvent(webhook, elsewhere, otherBackend)).status).toBe(401);
    await fake.postEvent(webhook, say(oneToOne(2), person(2), 'an honest one').event);
    await waitForSent(oneToOne(2).token);
    expect(textsIn(oneToOne(2).token)).toEqual(['echo: an honest one']);
    expect(llmSaw('forged message')).toHaveLength(0);
    expect(llmSaw('from elsewhere')).toHaveLength(0);
  });

  it('runs one turn when Talk delivers the same message twice', async () => {
    const { event } = say(oneToOne(3), person(3), 'only once please');
    await fake.postEvent(webhook, event);
    await fake.postEvent(webhook, event);
    await waitForSent(oneToOne(3).token);
    await fake.postEvent(webhook, say(oneToOne(3), person(3), 'next one').event);
    await waitForSent(oneToOne(3).token, 2);
    expect(textsIn(oneToOne(3).token)).toEqual(['echo: only once please', 'echo: next one']);
    expect(llmSaw('only once please')).toHaveLength(1);
  });

  it('gives an unknown sender a pairing code and no turn; once approved, answers', async () => {
    const stranger = person(99);
    await fake.postEvent(webhook, say(oneToOne(99), stranger, 'let me in').event);
    const [pairing] = await waitForSent(oneToOne(99).token);
    const code = /\b[A-HJ-NP-Z2-9]{8}\b/.exec(pairing!.message)?.[0];
    expect(code).toBeDefined();
    expect(pairing!.message).toContain(`nextcloudTalkActor: users/${stranger.id}`);
    expect(llmSaw('let me in')).toHaveLength(0);
    await harness.call('pairing.approve', { channel: 'nextcloud-talk', code });
    await waitForSent(oneToOne(99).token, 2);
    await fake.postEvent(webhook, say(oneToOne(99), stranger, 'now answer me').event);
    await fake.waitFor(() => textsIn(oneToOne(99).token).includes('echo: now answer me'));
  });

  it('in a group conversation answers only when mentioned, quoting the question', async () => {
    await fake.postEvent(webhook, say(team, person(4), 'talking among ourselves').event);
    const id = fake.nextMessageId();
    const asked = messageEvent(team, person(4), id, 'what time is it', {
      mention: { id: 'bot-clawd', name: botName, type: 'bot' },
    });
    await fake.postEvent(webhook, asked);
    const [reply] = await waitForSent(team.token);
    expect(reply).toMatchObject({ message: `echo: @${botName} what time is it`, replyTo: id });
    expect(llmSaw('talking among ourselves')).toHaveLength(0);
  });

  it('splits a long reply into messages of at most 4000 characters', async () => {
    const paragraphs = Array.from(
      { length: 60 },
      (_, index) =>
        `Paragraph ${index + 1}: ${'the quick brown fox jumps over the lazy dog. '.repeat(3)}`,
    );
    llm.scriptFor('write a lot', [{ kind: 'text', text: paragraphs.join('\n\n') }]);
    await fake.postEvent(webhook, say(oneToOne(5), person(5), 'write a lot').event);
    const replies = await fake.waitFor(() => {
      const all = textsIn(oneToOne(5).token);
      return all.some((text) => text.includes('Paragraph 60:')) && all;
    });
    expect(replies.length).toBeGreaterThanOrEqual(2);
    for (const piece of replies) expect(piece.length).toBeLessThanOrEqual(4000);
    const numbers = [...replies.join('\n').matchAll(/Paragraph (\d+):/g)].map((m) => Number(m[1]));
    expect(numbers).toEqual(paragraphs.map((_, index) => index + 1));
    // Each chunk has its own referenceId.
    const references = sentIn(oneToOne(5).token).map((sent) => sent.referenceId);
    expect(new Set(references).size).toBe(replies.length);
  });
});
