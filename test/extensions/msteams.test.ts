// Microsoft Teams (bundled plugin) end to end: the channel against the fake Microsoft
// services (Bot Framework OpenID metadata and keys, Entra ID token endpoint, the Bot
// Connector at a regional serviceUrl), activities with tokens signed as the Bot Connector
// signs them, the real gateway with its channel manager and delivery worker, the agent
// worker, Temporal and the scripted LLM — all in this process. Two accounts of one bot
// show both reply styles in team channels.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { builtInChannels } from '../../channels/index.js';
import { msteamsChannel } from '../../extensions/msteams/index.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import {
  messageActivity,
  postActivity,
  type TeamsConversation,
  type TeamsPerson,
} from '../fakes/msteams/activities.js';
import { startFakeTeams, type FakeTeams, type TeamsSent } from '../fakes/msteams/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

const agentId = 'msteams-main';

let llm: FakeLlmServer;
let fake: FakeTeams;
let harness: ChannelGatewayHarness;
let endpoint: string;
let topLevelEndpoint: string;

const person = (n: number): TeamsPerson => ({
  id: `29:1person${n}`,
  aadObjectId: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
  name: `Person ${n}`,
});
const personal = (n: number): TeamsConversation => ({
  id: `a:1personal${n}`,
  conversationType: 'personal',
});
const general: TeamsConversation = { id: '19:general@thread.tacv2', conversationType: 'channel' };
const news: TeamsConversation = { id: '19:news@thread.tacv2', conversationType: 'channel' };
const bot = () => ({ id: `28:${fake.appId}`, name: 'Clawd' });
const sentTo = (prefix: string) => fake.sent.filter((s) => s.conversationId.startsWith(prefix));
const textsTo = (prefix: string) => sentTo(prefix).map((s) => s.text);
const llmSaw = (text: string) => llm.requests.filter((request) => request.userText.includes(text));
const waitForSent = (prefix: string, count = 1): Promise<TeamsSent[]> =>
  fake.waitFor(() => sentTo(prefix).length >= count && sentTo(prefix));
const activity = (
  conversation: TeamsConversation,
  who: TeamsPerson,
  text: string,
  options: { mentionBot?: boolean; threadRoot?: string } = {},
) => messageActivity(bot(), fake.serviceUrl, conversation, who, text, options);
const send = async (body: unknown, url = endpoint) =>
  postActivity(url, await fake.signActivityToken(), body);

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeTeams();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [...builtInChannels, msteamsChannel],
    config: { agent: { id: agentId }, session: { dmScope: 'per-channel-peer' } },
    channels: {
      msteams: {
        appId: fake.appId,
        appPassword: fake.appPassword,
        tenantId: fake.tenantId,
        tokenUrl: fake.tokenUrl,
        openIdMetadataUrl: fake.openIdMetadataUrl,
        allowFrom: [1, 2, 3, 4, 5].map((n) => person(n).aadObjectId),
        groups: { [general.id]: { requireMention: true }, [news.id]: { requireMention: true } },
        accounts: {
          main: {},
          announcer: { webhook: { path: '/api/messages-announcer' }, replyStyle: 'top-level' },
        },
      },
    },
  });
  endpoint = `${harness.url}/api/messages`;
  topLevelEndpoint = `${harness.url}/api/messages-announcer`;
  // The routes exist once the accounts have started (after their first app token).
  for (const url of [endpoint, topLevelEndpoint]) {
    while ((await postActivity(url, null, {})).status === 404) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('msteams plugin channel, end to end', () => {
  it('answers a personal chat through the connector at the activity serviceUrl', async () => {
    const question = activity(personal(1), person(1), 'hello from teams');
    expect((await send(question)).status).toBe(200);
    const [reply] = await waitForSent(personal(1).id);
    expect(reply).toMatchObject({
      conversationId: personal(1).id,
      text: 'echo: hello from teams',
      textFormat: 'markdown',
      replyToPath: question.id,
    });
  });

  it('refuses activities whose token does not verify: 401 and no turn', async () => {
    const forged = (text: string) => activity(personal(2), person(2), text);
    const attempts: [string, string | null][] = [
      ['no token', null],
      ['unknown key', await fake.signActivityToken({ unknownKey: true })],
      ['for another bot', await fake.signActivityToken({ audience: 'another-app-id' })],
      ['an old token', await fake.signActivityToken({ expiredSecondsAgo: 600 })],
      ['wrong issuer', await fake.signActivityToken({ issuer: 'https://example.com' })],
      ['key for skype only', await fake.signActivityToken({ otherChannelKey: true })],
      [
        'token for another serviceUrl',
        await fake.signActivityToken({ serviceUrl: 'https://evil.example.com/' }),
      ],
    ];
    for (const [text, token] of attempts) {
      expect((await postActivity(endpoint, token, forged(text))).status, text).toBe(401);
    }
    // A genuine token replayed with the activity pointing its replies elsewhere.
    const redirected = { ...forged('redirected replies'), serviceUrl: 'https://evil.example.com/' };
    expect((await send(redirected)).status).toBe(401);
    await send(forged('an honest one'));
    await waitForSent(personal(2).id);
    expect(textsTo(personal(2).id)).toEqual(['echo: an honest one']);
    for (const [text] of attempts) expect(llmSaw(text)).toHaveLength(0);
    expect(llmSaw('redirected replies')).toHaveLength(0);
  });

  it('runs one turn when the connector delivers the same activity twice', async () => {
    const question = activity(personal(3), person(3), 'only once please');
    await send(question);
    await send(question);
    await waitForSent(personal(3).id);
    await send(activity(personal(3), person(3), 'next one'));
    await waitForSent(personal(3).id, 2);
    expect(textsTo(personal(3).id)).toEqual(['echo: only once please', 'echo: next one']);
    expect(llmSaw('only once please')).toHaveLength(1);
  });

  it('gives an unknown sender a pairing code and no turn; once approved, answers', async () => {
    const stranger = person(99);
    await send(activity(personal(99), stranger, 'let me in'));
    const [pairing] = await waitForSent(personal(99).id);
    const code = /\b[A-HJ-NP-Z2-9]{8}\b/.exec(pairing!.text)?.[0];
    expect(code).toBeDefined();
    expect(pairing!.text).toContain(`msteamsUserId: ${stranger.aadObjectId}`);
    expect(llmSaw('let me in')).toHaveLength(0);
    await harness.call('pairing.approve', { channel: 'msteams', code });
    await waitForSent(personal(99).id, 2);
    await send(activity(personal(99), stranger, 'now answer me'));
    await fake.waitFor(() => textsTo(personal(99).id).includes('echo: now answer me'));
  });

  it('in a team channel answers only when mentioned, in the thread of the question', async () => {
    await send(activity(general, person(4), 'talking among ourselves'));
    const question = activity(general, person(4), 'what time is it', { mentionBot: true });
    await send(question);
    const [reply] = await waitForSent(general.id);
    // The mention is stripped: the model sees the question alone.
    expect(reply).toMatchObject({
      conversationId: `${general.id};messageid=${question.id}`,
      text: 'echo: what time is it',
    });
    expect(llmSaw('talking among ourselves')).toHaveLength(0);
  });

  it('with replyStyle top-level answers a channel question as a new post', async () => {
    const question = activity(news, person(4), 'any news', { mentionBot: true });
    expect((await send(question, topLevelEndpoint)).status).toBe(200);
    const [reply] = await waitForSent(news.id);
    expect(reply).toMatchObject({ conversationId: news.id, text: 'echo: any news' });
    expect(reply!.replyToPath).toBeUndefined();
    expect(reply!.replyToId).toBeUndefined();
  });

  it('splits a long reply at 4000 characters and reuses its cached app token', async () => {
    const paragraphs = Array.from(
      { length: 60 },
      (_, index) =>
        `Paragraph ${index + 1}: ${'the quick brown fox jumps over the lazy dog. '.repeat(3)}`,
    );
    llm.scriptFor('write a lot', [{ kind: 'text', text: paragraphs.join('\n\n') }]);
    await send(activity(personal(5), person(5), 'write a lot'));
    const replies = await fake.waitFor(() => {
      const all = textsTo(personal(5).id);
      return all.some((text) => text.includes('Paragraph 60:')) && all;
    });
    expect(replies.length).toBeGreaterThanOrEqual(2);
    for (const piece of replies) expect(piece.length).toBeLessThanOrEqual(4000);
    const numbers = [...replies.join('\n').matchAll(/Paragraph (\d+):/g)].map((m) => Number(m[1]));
    expect(numbers).toEqual(paragraphs.map((_, index) => index + 1));
    // One client-credentials grant per account for all the replies of this file.
    expect(fake.tokenRequests).toEqual([{ granted: true }, { granted: true }]);
  });
});
