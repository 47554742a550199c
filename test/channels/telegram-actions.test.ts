// The message tool and telegram_actions end to end: the scripted model calls them in a turn
// that came from Telegram; grammy talks to the fake Bot API; sends go through the durable
// channel.deliver activity and actions through the gateway's telegram tools worker.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

// Session keys are unique to this file: every test file shares one Temporal server.
const agentId = 'tgactions';

let llm: FakeLlmServer;
let fake: FakeTelegram;
let harness: ChannelGatewayHarness;

const user = (id: number, name: string) => ({ id, first_name: name, username: name.toLowerCase() });
const sentTo = (chatId: number, method = 'sendMessage') =>
  fake.sent.filter((sent) => sent.method === method && sent.chatId === chatId);
/** The tool results the model was given while answering `text`. */
const toolResultsFor = (text: string) =>
  llm.requests
    .filter((request) => request.userText.includes(text))
    .flatMap((request) => request.toolResults);

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeTelegram();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    config: {
      agent: { id: agentId },
      session: { dmScope: 'per-channel-peer' },
      security: { owners: ['telegram:8001', 'telegram:8002'] },
      tools: { message: { allowTargets: ['telegram:8004'] } },
    },
    channels: {
      telegram: {
        apiRoot: fake.apiRoot,
        botToken: fake.token,
        allowFrom: [8001, 8002, 8003, 8004],
        // Polls are off for this bot: the model is told which switch turns them on.
        actions: { polls: false },
      },
    },
  });
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('message tool on telegram', () => {
  it('sends into its own chat once, even when the delivery is retried half way', async () => {
    const ann = user(8001, 'Ann');
    await writeFile(join(harness.paths.workspaceDir, 'note.png'), Buffer.from('not really a png'));
    llm.scriptFor('post a note for me', [
      {
        kind: 'tool_calls',
        calls: [{ name: 'message', arguments: { text: 'An extra note', media: ['note.png'] } }],
      },
      { kind: 'text', text: 'posted' },
    ]);
    // The photo fails once after the text went out: the retried attempt must skip the text.
    fake.failNext('sendPhoto', { kind: 'server-error' });
    fake.userSends({ from: ann, text: 'post a note for me' });
    await fake.waitFor(() => sentTo(ann.id).some((sent) => sent.text === 'posted'));
    expect(sentTo(ann.id).map((sent) => sent.text)).toEqual(['An extra note', 'posted']);
    expect(sentTo(ann.id, 'sendPhoto')).toHaveLength(1);
    const [result] = toolResultsFor('post a note for me');
    expect(result).toMatch(/^Sent to telegram chat 8001 \(message id \d+, \d+\)\.$/);
  });

  it('refuses another chat unless tools.message allows it, and says how to allow it', async () => {
    const bea = user(8002, 'Bea');
    const dora = user(8004, 'Dora');
    // Dora's chat exists once she wrote to the bot.
    fake.userSends({ from: dora, text: 'hi bot' });
    await fake.waitFor(() => sentTo(dora.id).length === 1);
    llm.scriptFor('tell the others', [
      {
        kind: 'tool_calls',
        calls: [
          { name: 'message', arguments: { target: '8003', text: 'hello Cid' } },
          { name: 'message', arguments: { target: '8004', text: 'hello Dora' } },
        ],
      },
      { kind: 'text', text: 'told them' },
    ]);
    fake.userSends({ from: bea, text: 'tell the others' });
    await fake.waitFor(() => sentTo(bea.id).some((sent) => sent.text === 'told them'));
    const [denied, allowed] = toolResultsFor('tell the others');
    expect(denied).toContain('Cross-context messaging denied');
    expect(denied).toContain('tools.message.crossContext: true');
    expect(sentTo(8003)).toHaveLength(0);
    expect(allowed).toMatch(/^Sent to telegram chat 8004/);
    expect(sentTo(dora.id).map((sent) => sent.text)).toContain('hello Dora');
  });

  it('reacts, pins and deletes; a poll is refused while channels.telegram.actions.polls is off', async () => {
    const ann = user(8001, 'Ann');
    const first = fake.userSends({ from: ann, text: 'remember this one' });
    await fake.waitFor(() =>
      sentTo(ann.id).some((sent) => sent.text === 'echo: remember this one'),
    );
    const echo = sentTo(ann.id).find((sent) => sent.text === 'echo: remember this one')!;
    const messageId = String(first.message!.message_id);
    llm.scriptFor('now act on it', [
      {
        kind: 'tool_calls',
        calls: [
          { name: 'message', arguments: { action: 'react', messageId, emoji: '👍' } },
          {
            name: 'telegram_actions',
            arguments: { action: 'pin', chatId: String(ann.id), messageId },
          },
          {
            name: 'telegram_actions',
            arguments: {
              action: 'delete',
              chatId: String(ann.id),
              messageId: String(echo.messageId),
            },
          },
          {
            name: 'telegram_actions',
            arguments: {
              action: 'createPoll',
              chatId: String(ann.id),
              question: 'Lunch?',
              options: ['pizza', 'sushi'],
            },
          },
          { name: 'message', arguments: { action: 'read' } },
        ],
      },
      { kind: 'text', text: 'acted' },
    ]);
    fake.userSends({ from: ann, text: 'now act on it' });
    await fake.waitFor(() => sentTo(ann.id).some((sent) => sent.text === 'acted'));
    const [reacted, pinned, deleted, poll, read] = toolResultsFor('now act on it');
    expect(reacted).toBe(`Reacted 👍 to message ${messageId} in telegram chat 8001.`);
    expect(sentTo(ann.id, 'setMessageReaction')).toMatchObject([
      { messageId: Number(messageId), reaction: ['👍'] },
    ]);
    expect(pinned).toContain(`"pinned": "${messageId}"`);
    expect(sentTo(ann.id, 'pinChatMessage')).toMatchObject([{ messageId: Number(messageId) }]);
    expect(deleted).toContain('"deleted"');
    expect(sentTo(ann.id, 'deleteMessage')).toMatchObject([{ messageId: echo.messageId }]);
    expect(poll).toContain('channels.telegram.actions.polls: true');
    expect(sentTo(ann.id, 'sendPoll')).toHaveLength(0);
    expect(read).toContain('does not let the bot read');
  });
});
