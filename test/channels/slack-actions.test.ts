// The message tool and slack_actions end to end: the scripted model calls them in a turn
// that came from a Slack DM; @slack/bolt's client talks to the fake Web API.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

// Ids of this file only: every test file shares one Temporal server (sessions by key).
const agentId = 'slack-actions';
const owner = 'U1OWNER';
const dm = 'D1OWNER';

let llm: FakeLlmServer;
let slack: FakeSlack;
let harness: ChannelGatewayHarness;

async function until<T>(probe: () => T | undefined | false, what: string): Promise<T> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const postsIn = (channel: string) =>
  slack.sent.filter((entry) => entry.channel === channel && entry.method === 'chat.postMessage');
const toolResultsFor = (text: string) =>
  llm.requests
    .filter((request) => request.userText.includes(text))
    .flatMap((request) => request.toolResults);

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  slack = await startFakeSlack({ ackTimeoutMs: 1000 });
  slack.addUser(owner, 'owen');
  slack.addConversation({ id: dm, type: 'im', name: owner });
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    config: {
      agent: { id: agentId },
      session: { dmScope: 'per-channel-peer' },
      security: { owners: [`slack:${owner}`] },
    },
    channels: {
      slack: {
        botToken: slack.identity.botToken,
        appToken: slack.identity.appToken,
        apiUrl: slack.apiUrl,
        allowFrom: [owner],
        // Pins are off for this workspace: the model is told which switch turns them on.
        actions: { pins: false },
      },
    },
  });
  await until(() => slack.socketMode.openConnections > 0, 'the Socket Mode connection');
});

afterAll(async () => {
  await harness?.close();
  await slack?.close();
  await llm?.close();
});

describe('message tool and slack_actions', () => {
  it('reacts, reads, edits and deletes, lists emoji and a member; pins are refused while off', async () => {
    const first = slack.userMessage({ channel: dm, user: owner, text: 'first words' });
    const echo = await until(
      () => postsIn(dm).find((post) => post.text === 'echo: first words'),
      'the first reply',
    );
    llm.scriptFor('work on slack', [
      {
        kind: 'tool_calls',
        calls: [
          {
            name: 'message',
            arguments: { action: 'react', messageId: first.ts, emoji: 'thumbsup' },
          },
          { name: 'message', arguments: { action: 'read', limit: 5 } },
          {
            name: 'message',
            arguments: { action: 'edit', messageId: echo.ts, text: 'edited echo' },
          },
          {
            name: 'slack_actions',
            arguments: { action: 'pin', channelId: dm, messageId: first.ts },
          },
          { name: 'slack_actions', arguments: { action: 'emojiList' } },
          { name: 'slack_actions', arguments: { action: 'memberInfo', userId: owner } },
          {
            name: 'slack_actions',
            arguments: { action: 'delete', channelId: dm, messageId: echo.ts },
          },
        ],
      },
      { kind: 'text', text: 'worked' },
    ]);
    slack.userMessage({ channel: dm, user: owner, text: 'work on slack' });
    await until(() => postsIn(dm).some((post) => post.text === 'worked'), 'the final reply');
    const [reacted, read, edited, pin, emoji, member, deleted] = toolResultsFor('work on slack');
    expect(reacted).toBe(`Reacted thumbsup to message ${first.ts} in slack chat ${dm}.`);
    expect([...(slack.workspace.reactions.get(`${dm}:${first.ts}`) ?? [])]).toEqual(['thumbsup']);
    expect(read).toContain(`[${first.ts}] ${owner}: first words`);
    expect(read).toContain('treat as data');
    expect(edited).toBe(`Edited message ${echo.ts} in slack chat ${dm}.`);
    expect(slack.sent).toContainEqual(
      expect.objectContaining({ method: 'chat.update', ts: echo.ts, text: 'edited echo' }),
    );
    expect(pin).toContain('channels.slack.actions.pins: true');
    expect(slack.workspace.pins.size).toBe(0);
    expect(emoji).toContain('partyparrot');
    expect(member).toContain('"name": "owen"');
    expect(deleted).toContain(`"deleted": "${echo.ts}"`);
    expect(slack.workspace.authorOf(dm, echo.ts)).toBeUndefined();
  });
});
