// Twitch end to end: the twitch plugin (the real @twurple/chat client) against a Twitch
// chat fake on 127.0.0.1 (IRC over WebSocket with Twitch's tags, plus the token validate
// endpoint twurple calls), the real gateway with its channel manager and delivery worker,
// the agent worker, Temporal and the scripted LLM, all in this process. No IRC server
// builds from the Go module proxy here (ergo is not served), so the chat side is a fake.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { twitchChannel } from '../../extensions/twitch/index.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startFakeTwitch, type FakeTwitch } from '../fakes/twitch/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

let llm: FakeLlmServer;
let fake: FakeTwitch;
let harness: ChannelGatewayHarness;

const llmSaw = (text: string) => llm.requests.filter((request) => request.userText.includes(text));
const sentIn = (room: string) => fake.sent.filter((sent) => sent.channel === room);
const waitForSent = (room: string, count = 1) =>
  fake.waitFor(() => sentIn(room).length >= count && sentIn(room));

type Status = { accountId: string; connected: boolean; lastError?: string; botName?: string };
const status = async () =>
  ((await harness.call('channels.status', { channel: 'twitch' })) as { accounts: Status[] })
    .accounts[0]!;
async function waitForStatus(check: (status: Status) => boolean): Promise<Status> {
  for (;;) {
    const current = await status();
    if (check(current)) return current;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeTwitch();
  // twurple validates the token at id.twitch.tv; its documented mock-API switch sends that
  // call to the fake instead.
  process.env.TWURPLE_MOCK_API_PORT = String(fake.port);
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [twitchChannel],
    config: { agent: { id: 'twitchmain' } },
    channels: {
      twitch: {
        accessToken: `oauth:${fake.token}`,
        clientId: fake.clientId,
        channels: ['#MyStream', 'chatty'],
        groups: { chatty: { requireMention: false } },
        server: fake.url,
      },
    },
  });
  await fake.waitFor(() => fake.joined().length === 2);
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
  delete process.env.TWURPLE_MOCK_API_PORT;
});

describe('twitch plugin, end to end', () => {
  it('logs in as the token owner and joins the configured rooms', async () => {
    expect(fake.joined().sort()).toEqual(['chatty', 'mystream']);
    expect((await status()).botName).toBe(fake.botLogin);
  });

  it('answers an @mention in a room, as a reply to it', async () => {
    const id = fake.userSays('mystream', 'Viewer1', `@${fake.botLogin} what game is this`);
    const [reply] = await waitForSent('mystream');
    expect(reply).toMatchObject({
      text: `echo: @${fake.botLogin} what game is this`,
      tags: { 'reply-parent-msg-id': id },
    });
  });

  it('stays quiet on messages that do not mention it, unless the room says so', async () => {
    fake.userSays('mystream', 'Viewer2', 'just chatting here');
    fake.userSays('chatty', 'Viewer2', 'anyone around');
    const [reply] = await waitForSent('chatty');
    expect(reply!.text).toBe('echo: anyone around');
    expect(llmSaw('just chatting here')).toHaveLength(0);
  });

  it('counts a reply to its own message as a mention', async () => {
    const before = sentIn('mystream').length;
    fake.userSays('mystream', 'Viewer3', 'and what about tomorrow', {
      replyTo: { id: 'bot-message-1', login: fake.botLogin, text: 'earlier answer' },
    });
    const replies = await waitForSent('mystream', before + 1);
    expect(replies.at(-1)!.text).toBe('echo: and what about tomorrow');
  });

  it('splits a long answer into messages of at most 500 characters, one line each', async () => {
    const paragraph = 'Speedrunning is the art of finishing a game as fast as possible. ';
    const long = `${paragraph.repeat(9)}\n\n${paragraph.repeat(9)}`;
    llm.scriptFor('explain speedrunning', [{ kind: 'text', text: long }]);
    const before = sentIn('mystream').length;
    fake.userSays('mystream', 'Viewer4', `@${fake.botLogin} explain speedrunning`);
    const replies = await fake.waitFor(() => {
      const got = sentIn('mystream').slice(before);
      const text = got.map((sent) => sent.text).join(' ');
      return text.replace(/\s+/g, '').length >= long.replace(/\s+/g, '').length && got;
    });
    expect(replies.length).toBeGreaterThan(1);
    for (const reply of replies) {
      expect(reply.text.length).toBeLessThanOrEqual(500);
      expect(reply.text).not.toMatch(/[\r\n]/);
    }
  });

  it('reports a dropped connection, reconnects, rejoins and answers again', async () => {
    fake.dropConnections();
    const down = await waitForStatus((current) => !current.connected);
    expect(down.lastError).toMatch(/chat connection lost/);
    await fake.waitFor(() => fake.joined().length === 2);
    await waitForStatus((current) => current.connected);
    const before = sentIn('mystream').length;
    fake.userSays('mystream', 'Viewer5', `@${fake.botLogin} are you back`);
    const replies = await waitForSent('mystream', before + 1);
    expect(replies.at(-1)!.text).toBe(`echo: @${fake.botLogin} are you back`);
  });
});
