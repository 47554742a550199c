// discord_actions and the message tool end to end: the scripted model calls them in a turn
// from a guild channel; discord.js's REST client talks to the fake Discord.
import { setTimeout as sleep } from 'node:timers/promises';
import type { APIUser } from 'discord.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { discordChannel } from '../../channels/discord/index.js';
import { startDiscordFake, type DiscordFake } from '../fakes/discord/server.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

// Session keys are unique to this file: every test file shares one Temporal server.
const agentId = 'discord-actions';

let llm: FakeLlmServer;
let fake: DiscordFake;
let harness: ChannelGatewayHarness;
let owner: APIUser;
let guild: { guildId: string; channelId: string };

async function until<T>(probe: () => T | undefined | false, what: string): Promise<T> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const toolResultsFor = (text: string) =>
  llm.requests
    .filter((request) => request.userText.includes(text))
    .flatMap((request) => request.toolResults);

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startDiscordFake();
  owner = fake.addUser('olga');
  guild = fake.addGuild('Home');
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [discordChannel],
    config: {
      agent: { id: agentId },
      security: { owners: [`discord:${owner.id}`] },
    },
    channels: {
      discord: {
        apiBase: fake.apiBase,
        token: fake.token,
        allowFrom: [owner.id],
        groupPolicy: 'allowlist',
        // A guild channel gets the messaging profile: this one may use discord_actions too.
        groups: {
          [guild.channelId]: { requireMention: false, tools: { allow: ['discord_actions'] } },
        },
      },
    },
  });
  await until(() => fake.connectedSessions() > 0, 'the gateway connection');
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('discord_actions', () => {
  it('reacts, pins and looks people up; moderation is refused until it is switched on', async () => {
    const { guildId, channelId } = guild;
    const first = fake.userMessage({ channelId, author: owner, content: 'pin me later' });
    await until(
      () => fake.sent.some((sent) => sent.content === 'echo: pin me later'),
      'the first reply',
    );
    llm.scriptFor('do discord things', [
      {
        kind: 'tool_calls',
        calls: [
          { name: 'message', arguments: { action: 'react', messageId: first.id, emoji: '🎉' } },
          {
            name: 'discord_actions',
            arguments: { action: 'reactions', channelId, messageId: first.id },
          },
          { name: 'discord_actions', arguments: { action: 'pin', channelId, messageId: first.id } },
          { name: 'discord_actions', arguments: { action: 'listPins', channelId } },
          {
            name: 'discord_actions',
            arguments: { action: 'memberInfo', guildId, userId: owner.id },
          },
          { name: 'discord_actions', arguments: { action: 'roleInfo', guildId } },
          { name: 'discord_actions', arguments: { action: 'kick', guildId, userId: owner.id } },
        ],
      },
      { kind: 'text', text: 'did discord things' },
    ]);
    fake.userMessage({ channelId, author: owner, content: 'do discord things' });
    await until(
      () => fake.sent.some((sent) => sent.content === 'did discord things'),
      'the final reply',
    );
    const [reacted, reactions, pinned, pins, member, roles, kick] =
      toolResultsFor('do discord things');
    expect(reacted).toBe(`Reacted 🎉 to message ${first.id} in discord chat ${channelId}.`);
    expect(reactions).toContain('"emoji": "🎉"');
    expect(reactions).toContain('"mine": true');
    expect(pinned).toContain(`"pinned": "${first.id}"`);
    expect(pins).toContain('pin me later');
    expect(member).toContain('"username": "olga"');
    expect(roles).toContain('@everyone');
    expect(kick).toContain('channels.discord.actions.moderation: true');
    // The refused kick never reached Discord.
    expect(
      fake.requests.some(
        (request) => request.path.includes('/members/') && request.method === 'DELETE',
      ),
    ).toBe(false);
  });
});
