// Telegram across crashes: `clawdbot gateway --no-worker` (hosting the channel and its
// delivery queue) and `clawdbot worker` run as child processes against the fake Bot API,
// Temporal and the scripted LLM. Killing either mid-turn still yields exactly one reply.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram/server.js';
import { startChannelProcesses, type ChannelProcessesHarness } from '../helpers/channel-harness.js';

const agentId = 'tgcrash';

let llm: FakeLlmServer;
let fake: FakeTelegram;
let harness: ChannelProcessesHarness;

const messagesTo = (chatId: number) =>
  fake.sent.filter((sent) => sent.method === 'sendMessage' && sent.chatId === chatId);
const llmSaw = (text: string) =>
  llm.requests.filter((request) => request.userText.includes(text)).length;

/** Poll until `probe` holds (the LLM fake has no change events). */
async function until(probe: () => boolean): Promise<void> {
  while (!probe()) await sleep(50);
}

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeTelegram();
  harness = await startChannelProcesses({
    temporalAddress: inject('temporalAddress'),
    llm,
    config: { agent: { id: agentId }, session: { dmScope: 'per-channel-peer' } },
    channels: {
      telegram: { botToken: fake.token, apiRoot: fake.apiRoot, allowFrom: [8001, 8002] },
    },
  });
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('telegram channel across process crashes', () => {
  it('answers exactly once when the worker is SIGKILLed mid-turn and a new one starts', async () => {
    const alice = { id: 8001, first_name: 'Alice' };
    // The model hangs until its client goes away: the turn is mid-LLM-call when killed.
    llm.scriptFor('survive the worker crash', [{ kind: 'stall' }]);
    fake.userSends({ from: alice, text: 'survive the worker crash' });
    await until(() => llmSaw('survive the worker crash') === 1);
    await harness.killWorker();
    harness.startWorker();
    const [reply] = await fake.waitFor(
      () => messagesTo(alice.id).length > 0 && messagesTo(alice.id),
    );
    expect(reply!.text).toBe('echo: survive the worker crash');
    // The session runs turns one at a time: once this is answered, the first turn is over.
    fake.userSends({ from: alice, text: 'and after that' });
    await fake.waitFor(() => messagesTo(alice.id).length >= 2);
    expect(messagesTo(alice.id).map((sent) => sent.text)).toEqual([
      'echo: survive the worker crash',
      'echo: and after that',
    ]);
  });

  it('answers exactly once when the gateway restarts mid-turn', async () => {
    const bob = { id: 8002, first_name: 'Bob' };
    // The answer comes while the gateway (which hosts the delivery queue) is away.
    fake.userSends({ from: bob, text: 'WAIT 1500 survive the gateway restart' });
    await until(() => llmSaw('survive the gateway restart') === 1);
    await harness.restartGateway();
    const [reply] = await fake.waitFor(() => messagesTo(bob.id).length > 0 && messagesTo(bob.id));
    expect(reply!.text).toContain('survive the gateway restart');
    fake.userSends({ from: bob, text: 'and after the restart' });
    await fake.waitFor(() => messagesTo(bob.id).length >= 2);
    expect(messagesTo(bob.id).map((sent) => sent.text)).toEqual([
      reply!.text,
      'echo: and after the restart',
    ]);
    expect(llmSaw('survive the gateway restart')).toBe(1);
    expect(fake.unconfirmed()).toHaveLength(0);
  });
});
