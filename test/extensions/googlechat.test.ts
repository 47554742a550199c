// Google Chat (bundled plugin) end to end: the channel against the fake Google services
// (published signing keys, OAuth token endpoint, Chat API), events signed as Chat signs
// them for a project-number audience, the real gateway with its channel manager and
// delivery worker, the agent worker, Temporal and the scripted LLM — all in this process.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { builtInChannels } from '../../channels/index.js';
import { googlechatChannel } from '../../extensions/googlechat/index.js';
import {
  messageEvent,
  postEvent,
  type ChatPerson,
  type ChatSpaceRef,
} from '../fakes/googlechat/event-sender.js';
import {
  startFakeGoogleChat,
  type ChatSent,
  type FakeGoogleChat,
} from '../fakes/googlechat/server.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

const agentId = 'googlechat-main';
const projectNumber = '437829103245';
const appUser = 'users/104455667788990011223';

let llm: FakeLlmServer;
let fake: FakeGoogleChat;
let harness: ChannelGatewayHarness;
let endpoint: string;

const person = (n: number): ChatPerson => ({
  name: `users/11${String(n).padStart(19, '0')}`,
  displayName: `Person${n}`,
});
const dm = (n: number): ChatSpaceRef => ({
  name: `spaces/dm${n}AAAA`,
  spaceType: 'DIRECT_MESSAGE',
});
const team: ChatSpaceRef = { name: 'spaces/AAAAteam', spaceType: 'SPACE' };
const sentIn = (space: string) => fake.sent.filter((sent) => sent.space === space);
const textsIn = (space: string) => sentIn(space).map((sent) => sent.text);
const llmSaw = (text: string) => llm.requests.filter((request) => request.userText.includes(text));
const waitForSent = (space: string, count = 1): Promise<ChatSent[]> =>
  fake.waitFor(() => sentIn(space).length >= count && sentIn(space));
const token = () =>
  fake.signEventToken({ audienceType: 'project-number', audience: projectNumber });
/** Post an event with a valid token, another token, or (null) none. */
const send = (event: unknown, bearer: string | null = token()) =>
  postEvent(endpoint, bearer ?? undefined, event);

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeGoogleChat();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [...builtInChannels, googlechatChannel],
    config: { agent: { id: agentId }, session: { dmScope: 'per-channel-peer' } },
    channels: {
      googlechat: {
        serviceAccount: fake.serviceAccount,
        audienceType: 'project-number',
        audience: projectNumber,
        botUser: appUser,
        apiBaseUrl: fake.apiBaseUrl,
        certsUrl: fake.certsUrl,
        allowFrom: [1, 2, 3, 4, 5, 6].map((n) => person(n).name),
        groups: { [team.name]: { requireMention: true } },
      },
    },
  });
  endpoint = `${harness.url}/googlechat/webhook`;
  // The route exists once the account has started (after its first access token).
  while ((await postEvent(endpoint, undefined, {})).status === 404) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('googlechat plugin channel, end to end', () => {
  it('answers a direct message through the Chat API as the app', async () => {
    const response = await send(messageEvent(dm(1), person(1), 'hello from chat'));
    expect(response).toEqual({ status: 200, body: '{}' });
    const [reply] = await waitForSent(dm(1).name);
    expect(reply).toMatchObject({ text: 'echo: hello from chat' });
    expect(reply!.requestId).toMatch(/^clawdbot-[0-9a-f]{40}$/);
    expect(fake.tokenRequests.every((request) => request.granted)).toBe(true);
  });

  it('refuses events whose bearer token does not verify: 401 and no turn', async () => {
    const forged = (text: string) => messageEvent(dm(2), person(2), text);
    expect((await send(forged('no token'), null)).status).toBe(401);
    const unknownKey = fake.signEventToken({
      audienceType: 'project-number',
      audience: projectNumber,
      unknownKey: true,
    });
    expect((await send(forged('signed by someone else'), unknownKey)).status).toBe(401);
    const otherProject = fake.signEventToken({ audienceType: 'project-number', audience: '1' });
    expect((await send(forged('for another app'), otherProject)).status).toBe(401);
    const expired = fake.signEventToken({
      audienceType: 'project-number',
      audience: projectNumber,
      expiredSecondsAgo: 900,
    });
    expect((await send(forged('an old token'), expired)).status).toBe(401);
    await send(messageEvent(dm(2), person(2), 'an honest one'));
    await waitForSent(dm(2).name);
    expect(textsIn(dm(2).name)).toEqual(['echo: an honest one']);
    for (const text of ['no token', 'signed by someone else', 'for another app', 'an old token']) {
      expect(llmSaw(text)).toHaveLength(0);
    }
  });

  it('runs one turn when the same message is posted again', async () => {
    const event = messageEvent(dm(3), person(3), 'only once please');
    await send(event);
    await send(event);
    await waitForSent(dm(3).name);
    await send(messageEvent(dm(3), person(3), 'next one'));
    await waitForSent(dm(3).name, 2);
    expect(textsIn(dm(3).name)).toEqual(['echo: only once please', 'echo: next one']);
    expect(llmSaw('only once please')).toHaveLength(1);
  });

  it('gives an unknown sender one pairing code and no turn; once approved, answers', async () => {
    const stranger = person(99);
    await send(messageEvent(dm(99), stranger, 'let me in'));
    const [pairing] = await waitForSent(dm(99).name);
    const code = /\b[A-HJ-NP-Z2-9]{8}\b/.exec(pairing!.text)?.[0];
    expect(code).toBeDefined();
    expect(pairing!.text).toContain(`googleChatUser: ${stranger.name}`);
    expect(llmSaw('let me in')).toHaveLength(0);
    const approved = (await harness.call('pairing.approve', { channel: 'googlechat', code })) as {
      senderId: string;
      notified: boolean;
    };
    expect(approved).toMatchObject({ senderId: stranger.name, notified: true });
    await waitForSent(dm(99).name, 2);
    await send(messageEvent(dm(99), stranger, 'now answer me'));
    const all = await fake.waitFor(
      () => textsIn(dm(99).name).includes('echo: now answer me') && textsIn(dm(99).name),
    );
    expect(all).toHaveLength(3);
  });

  it('in a space answers only when the app is mentioned, in the thread it was asked in', async () => {
    await send(messageEvent(team, person(4), 'talking among ourselves'));
    const thread = `${team.name}/threads/questionthread`;
    await send(messageEvent(team, person(4), 'what time is it', { mentionApp: appUser, thread }));
    // A mention of another app is not a mention of this one.
    await send(messageEvent(team, person(4), 'hey other bot', { mentionApp: 'users/999' }));
    const [reply] = await waitForSent(team.name);
    expect(reply).toMatchObject({
      text: 'echo: @Clawd what time is it',
      thread,
      messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD',
    });
    expect(llmSaw('talking among ourselves')).toHaveLength(0);
    expect(llmSaw('hey other bot')).toHaveLength(0);
  });

  it('splits a long reply into messages of at most 4000 characters in Chat markup', async () => {
    const paragraphs = Array.from(
      { length: 60 },
      (_, index) =>
        `Paragraph ${index + 1}: ${'the quick brown fox **jumps** over [the](https://example.com/dog) lazy dog. '.repeat(2)}`,
    );
    llm.scriptFor('write a lot', [{ kind: 'text', text: paragraphs.join('\n\n') }]);
    await send(messageEvent(dm(5), person(5), 'write a lot'));
    const replies = await fake.waitFor(() => {
      const all = textsIn(dm(5).name);
      return all.some((text) => text.includes('Paragraph 60:')) && all;
    });
    expect(replies.length).toBeGreaterThanOrEqual(3);
    for (const piece of replies) expect(piece.length).toBeLessThanOrEqual(4000);
    const text = replies.join('\n');
    expect(text).not.toContain('**');
    expect(text).toContain('*jumps* over <https://example.com/dog|the> lazy');
    const numbers = [...text.matchAll(/Paragraph (\d+):/g)].map((match) => Number(match[1]));
    expect(numbers).toEqual(paragraphs.map((_, index) => index + 1));
    // Every chunk has its own request id: a retry of one never suppresses another.
    expect(new Set(sentIn(dm(5).name).map((sent) => sent.requestId)).size).toBe(replies.length);
  });

  it('downloads an uploaded image through media.download for the model', async () => {
    const photo = Buffer.from('\u0089PNG google chat photo bytes');
    const resourceName = fake.addAttachment(photo, 'image/png');
    await send(
      messageEvent(dm(6), person(6), 'look at this', {
        attachment: [
          {
            name: `${dm(6).name}/messages/x/attachments/y`,
            contentName: 'photo.png',
            contentType: 'image/png',
            attachmentDataRef: { resourceName },
            source: 'UPLOADED_CONTENT',
          },
        ],
      }),
    );
    await waitForSent(dm(6).name);
    expect(JSON.stringify(llmSaw('look at this')[0]?.body)).toContain(photo.toString('base64'));
  });
});
