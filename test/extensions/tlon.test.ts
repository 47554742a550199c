// Tlon end to end: the tlon plugin (with @urbit/http-api's channel client) against a fake
// ship's eyre on 127.0.0.1 (login, channel PUT, SSE with acks and Last-Event-ID), the real
// gateway with its channel manager and delivery worker, the agent worker, Temporal and the
// scripted LLM, all in this process. The test plays the ship's chat and channels agents.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tlonChannel } from '../../extensions/tlon/index.js';
import { storyToText } from '../../extensions/tlon/story.js';
import { startFakeEyre, type EyrePoke, type FakeEyre } from '../fakes/urbit/eyre.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

const general = 'chat/~host-ship/general';
const lobby = 'chat/~host-ship/lobby';

let llm: FakeLlmServer;
let ship: FakeEyre;
let harness: ChannelGatewayHarness;

const llmSaw = (text: string) => llm.requests.filter((request) => request.userText.includes(text));

interface DmPoke {
  ship: string;
  diff: { id: string; delta: { add: { memo: { content: unknown; author: string } } } };
}
interface ChannelPoke {
  channel: {
    nest: string;
    action: {
      post: {
        add?: { content: unknown; author: string };
        reply?: { id: string; action: { add: { content: unknown; author: string } } };
      };
    };
  };
}
const dmReplies = (to: string) =>
  ship.pokes
    .filter((poke) => poke.mark === 'chat-dm-action' && (poke.json as DmPoke).ship === to)
    .map((poke) => poke.json as DmPoke);
const channelReplies = (nest: string) =>
  ship.pokes
    .filter(
      (poke: EyrePoke) =>
        poke.mark === 'channel-action-1' && (poke.json as ChannelPoke).channel.nest === nest,
    )
    .map((poke) => (poke.json as ChannelPoke).channel.action.post);
const textOfPost = (post: ChannelPoke['channel']['action']['post']) =>
  storyToText(post.add?.content ?? post.reply?.action.add.content);

type Status = { accountId: string; connected: boolean; lastError?: string; botName?: string };
const status = async () =>
  ((await harness.call('channels.status', { channel: 'tlon' })) as { accounts: Status[] })
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
  ship = await startFakeEyre();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [tlonChannel],
    config: { agent: { id: 'tlonmain' }, session: { dmScope: 'per-channel-peer' } },
    channels: {
      tlon: {
        ship: ship.ship,
        url: ship.url,
        code: ship.code,
        dmPolicy: 'open',
        allowFrom: ['*'],
        dmAllowlist: ['~zod', 'nec'],
        groupChannels: [general, lobby],
        authorization: { channelRules: { [lobby]: { mode: 'open' } } },
        defaultAuthorizedShips: ['~zod'],
      },
    },
  });
  await ship.waitFor(() => ship.subscriptions().length >= 2);
});

afterAll(async () => {
  await harness?.close();
  await ship?.close();
  await llm?.close();
});

describe('tlon plugin, end to end', () => {
  it('logs in with the code and subscribes to the DM and channel firehoses', async () => {
    expect(ship.logins()).toBe(1);
    expect(ship.subscriptions().sort()).toEqual(['channels/v2', 'chat/v3']);
    expect((await status()).botName).toBe(ship.ship);
  });

  it('answers a DM from an allowed ship with a chat-dm-action poke', async () => {
    ship.dm('~zod', 'hello from zod');
    const [reply] = await ship.waitFor(() => dmReplies('~zod').length > 0 && dmReplies('~zod'));
    expect(reply!.diff.id).toMatch(/^~sampel-palnet\/170\.141\./);
    expect(reply!.diff.delta.add.memo.author).toBe(ship.ship);
    expect(storyToText(reply!.diff.delta.add.memo.content)).toBe('echo: hello from zod');
  });

  it('drops DMs from ships outside dmAllowlist', async () => {
    ship.dm('~bus', 'let me in');
    ship.dm('~nec', 'i am allowed');
    await ship.waitFor(() => dmReplies('~nec').length > 0);
    expect(llmSaw('let me in')).toHaveLength(0);
    expect(dmReplies('~bus')).toHaveLength(0);
  });

  it('in a restricted channel answers an authorized ship that mentions the bot', async () => {
    ship.post(general, '~zod', 'no mention here');
    ship.post(general, '~nec', '~sampel-palnet i am not authorized here');
    ship.post(general, '~zod', '~sampel-palnet what is up');
    const [reply] = await ship.waitFor(
      () => channelReplies(general).length > 0 && channelReplies(general),
    );
    expect(reply!.add?.author).toBe(ship.ship);
    expect(textOfPost(reply!)).toBe('echo: ~sampel-palnet what is up');
    expect(llmSaw('no mention here')).toHaveLength(0);
    expect(llmSaw('i am not authorized here')).toHaveLength(0);
  });

  it('in an open channel answers any ship, and answers a thread reply in its thread', async () => {
    const parent = ship.post(lobby, '~nec', 'hey ~sampel-palnet, anyone can ask here');
    await ship.waitFor(() => channelReplies(lobby).length > 0);
    ship.post(lobby, '~bus', '~sampel-palnet a follow-up', { parent });
    const replies = await ship.waitFor(
      () => channelReplies(lobby).length > 1 && channelReplies(lobby),
    );
    expect(replies[1]!.reply?.id).toBe(parent);
    expect(textOfPost(replies[1]!)).toBe('echo: ~sampel-palnet a follow-up');
  });

  it('reports a dropped event stream, reconnects and loses nothing sent meanwhile', async () => {
    ship.dropStreams();
    await waitForStatus((current) => !current.connected);
    expect((await status()).lastError).toMatch(/event stream/);
    ship.dm('~zod', 'sent while the stream was down');
    const replies = await ship.waitFor(() =>
      dmReplies('~zod').some(
        (reply) =>
          storyToText(reply.diff.delta.add.memo.content) === 'echo: sent while the stream was down',
      ),
    );
    expect(replies).toBe(true);
    await waitForStatus((current) => current.connected);
    expect(llmSaw('sent while the stream was down')).toHaveLength(1);
  });
});
