// Mattermost end to end: @mattermost/client's Client4 and our WebSocket stream against the
// fake server (REST v4 + event stream), the real gateway with its channel manager and
// delivery worker, the agent worker, Temporal and the scripted LLM — all in this process.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import {
  startFakeMattermost,
  type FakeMattermost,
  type MmUser,
} from '../fakes/mattermost/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

const agentId = 'mmmain';

let llm: FakeLlmServer;
let fake: FakeMattermost;
let harness: ChannelGatewayHarness;
let alice: MmUser;
let bob: MmUser;

const llmSaw = (text: string) => llm.requests.filter((request) => request.userText.includes(text));
const waitForBotPosts = (channelId: string, count = 1) =>
  fake.waitFor(() => fake.botPostsIn(channelId).length >= count && fake.botPostsIn(channelId));

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeMattermost();
  alice = fake.addUser('alice');
  bob = fake.addUser('bob');
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    config: {
      agent: { id: agentId },
      session: { dmScope: 'per-channel-peer' },
      // Alice is the owner: her DM sends MEDIA: files of the owner's workspace (a stranger's
      // reply could name only files of its own sandbox).
      security: { owners: [`mattermost:${alice.id}`] },
    },
    channels: {
      mattermost: {
        baseUrl: fake.url,
        botToken: fake.bot.token,
        allowFrom: [alice.id, bob.id],
        groupPolicy: 'open',
      },
    },
  });
  await fake.waitFor(() => fake.connections() > 0);
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('mattermost channel, end to end', () => {
  it('answers a direct message, with a pending_post_id', async () => {
    const dm = fake.addChannel('D', `${alice.id}__${fake.bot.id}`);
    fake.userPosts(alice, dm, 'hello from mattermost');
    const [reply] = await waitForBotPosts(dm.id);
    expect(reply).toMatchObject({ message: 'echo: hello from mattermost', root_id: '' });
    expect(reply!.pending_post_id).toMatch(new RegExp(`^${fake.bot.id}:`));
    // Typing was shown over the WebSocket while the turn ran.
    expect(
      fake.actions.some(
        (action) => action.action === 'user_typing' && action.data.channel_id === dm.id,
      ),
    ).toBe(true);
  });

  it('in a channel answers an @mention in the thread of the post, and ignores the rest', async () => {
    const town = fake.addChannel('O', 'town-square');
    fake.userPosts(bob, town, 'just people talking');
    const asked = fake.userPosts(bob, town, '@clawd what time is it');
    const [reply] = await waitForBotPosts(town.id);
    expect(reply).toMatchObject({ message: 'echo: @clawd what time is it', root_id: asked.id });
    expect(llmSaw('just people talking')).toHaveLength(0);
    // A follow-up in the thread stays in it (and in the thread's own session).
    fake.userPosts(bob, town, '@clawd and a follow-up', { rootId: asked.id });
    const replies = await waitForBotPosts(town.id, 2);
    expect(replies[1]).toMatchObject({
      message: 'echo: @clawd and a follow-up',
      root_id: asked.id,
    });
  });

  it('posts once when a create is retried after a lost answer (same pending_post_id)', async () => {
    const dm = fake.addChannel('D', `${bob.id}__${fake.bot.id}`);
    fake.acceptNextPostThenFail(500);
    fake.userPosts(bob, dm, 'answer me once');
    await waitForBotPosts(dm.id);
    fake.userPosts(bob, dm, 'and again');
    const replies = await waitForBotPosts(dm.id, 2);
    expect(replies.map((post) => post.message)).toEqual([
      'echo: answer me once',
      'echo: and again',
    ]);
  });

  it('reconnects the event stream after the connection drops and answers what comes next', async () => {
    const dm = fake.addChannel('D', `${alice.id}__${fake.bot.id}__again`);
    fake.dropConnections();
    await fake.waitFor(() => fake.connections() === 0);
    await fake.waitFor(() => fake.connections() > 0);
    fake.userPosts(alice, dm, 'are you back');
    const [reply] = await waitForBotPosts(dm.id);
    expect(reply!.message).toBe('echo: are you back');
    const { accounts } = (await harness.call('channels.status', { channel: 'mattermost' })) as {
      accounts: { connected: boolean; botName?: string }[];
    };
    expect(accounts[0]).toMatchObject({ connected: true, botName: '@clawd' });
  });

  it('gives the model an image and uploads a file the model names with MEDIA:', async () => {
    const dm = fake.addChannel('D', `${alice.id}__${fake.bot.id}__files`);
    const photo = Buffer.from('\u00ff\u00d8\u00ff mattermost photo bytes');
    const fileId = fake.userUploads(alice, 'photo.jpg', photo, 'image/jpeg');
    fake.userPosts(alice, dm, 'what is in this picture', { fileIds: [fileId] });
    await waitForBotPosts(dm.id);
    const [request] = llmSaw('what is in this picture');
    expect(JSON.stringify(request!.body)).toContain(photo.toString('base64'));

    const chart = join(harness.paths.workspaceDir, 'out', 'mm-chart.png');
    await mkdir(join(harness.paths.workspaceDir, 'out'), { recursive: true });
    await writeFile(chart, Buffer.from('PNG chart bytes'));
    llm.scriptFor('send me the chart', [{ kind: 'text', text: `Here it is.\nMEDIA:${chart}` }]);
    fake.userPosts(alice, dm, 'send me the chart');
    const posts = await fake.waitFor(() => {
      const all = fake.botPostsIn(dm.id);
      return all.some((post) => post.file_ids.length > 0) && all;
    });
    const withFile = posts.find((post) => post.file_ids.length > 0)!;
    expect(fake.files.get(withFile.file_ids[0]!)).toMatchObject({
      name: 'mm-chart.png',
      bytes: Buffer.from('PNG chart bytes'),
    });
    expect(posts.map((post) => post.message)).toContain('Here it is.');
  });
});
