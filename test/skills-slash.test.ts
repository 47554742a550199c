// A skill called as `/<name> args` from a messaging channel (Telegram: the real grammy
// against the fake Bot API) and from WebChat (chat.send over the gateway's WebSocket):
// the turn starts with that skill's instructions, and the reply goes back as usual.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  startFakeLlmServer,
  type FakeLlmServer,
  type RecordedRequest,
} from './fakes/llm-server.js';
import { startFakeTelegram, type FakeTelegram } from './fakes/telegram/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from './helpers/channel-harness.js';

let llm: FakeLlmServer;
let fake: FakeTelegram;
let harness: ChannelGatewayHarness;
let skillDir: string;

/** The system prompt as the OpenAI SDK sent it (the first, system-role message). */
function systemOf(request: RecordedRequest): string {
  const messages = (request.body as { messages?: { role: string; content: unknown }[] }).messages;
  const system = messages?.find((message) => message.role === 'system')?.content;
  if (typeof system === 'string') return system;
  if (Array.isArray(system))
    return system.map((part) => (part as { text?: string }).text ?? '').join('');
  return '';
}

async function requestFor(text: string): Promise<RecordedRequest> {
  for (;;) {
    const found = llm.requests.find((request) => request.userText.includes(text));
    if (found) return found;
    await sleep(50);
  }
}

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeTelegram();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    config: { agent: { id: 'slashmain' }, session: { dmScope: 'per-channel-peer' } },
    channels: {
      telegram: {
        apiRoot: fake.apiRoot,
        allowFrom: [8101],
        accounts: { default: { botToken: fake.token } },
      },
    },
  });
  skillDir = join(harness.paths.workspaceDir, 'skills', 'standup');
  mkdirSync(skillDir, { recursive: true });
  writeFileSync(
    join(skillDir, 'SKILL.md'),
    [
      '---',
      'name: standup',
      'description: Write a stand-up summary from the notes of the day.',
      '---',
      '# Stand-up',
      '',
      'Read {baseDir}/template.md and fill it from the notes the user gives.',
    ].join('\n'),
  );
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('slash commands invoke skills', () => {
  it('from Telegram: /standup args starts the turn with the skill, and the reply is sent', async () => {
    const carol = { id: 8101, first_name: 'Carol', username: 'carol' };
    fake.userSends({ from: carol, text: '/standup shipped the parser' });
    const system = systemOf(await requestFor('/standup shipped the parser'));
    expect(system).toContain('## Skill invoked: standup');
    expect(system).toContain('followed by: shipped the parser');
    expect(system).toContain(`Read ${skillDir}/template.md and fill it`);
    const [reply] = await fake.waitFor(() => {
      const sent = fake.sent.filter(
        (each) => each.method === 'sendMessage' && each.chatId === carol.id,
      );
      return sent.length > 0 && sent;
    });
    expect(reply!.text).toBe('echo: /standup shipped the parser');
  });

  it('from WebChat: chat.send "/standup ..." does the same; an unknown /word is a plain message', async () => {
    await harness.call('chat.send', {
      sessionKey: 'main',
      message: '/standup reviewed two PRs',
      idempotencyKey: 'slash-webchat-1',
    });
    const system = systemOf(await requestFor('/standup reviewed two PRs'));
    expect(system).toContain('## Skill invoked: standup');
    expect(system).toContain('followed by: reviewed two PRs');
    await harness.call('chat.send', {
      sessionKey: 'main',
      message: '/not-a-skill hello',
      idempotencyKey: 'slash-webchat-2',
    });
    expect(systemOf(await requestFor('/not-a-skill hello'))).not.toContain('Skill invoked');
  });
});
