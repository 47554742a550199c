// Slack across crashes: `clawdbot gateway --no-worker` (hosting the Slack account and its
// delivery queue) and `clawdbot worker` run as child processes against the fake Slack and
// the scripted LLM in this process, so the worker can be SIGKILLed and the gateway
// restarted while a turn runs. Each case must end with exactly one reply in Slack.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/server.js';
import { startChannelProcesses, type ChannelProcessesHarness } from '../helpers/channel-harness.js';

// Ids of this file only: every test file shares one Temporal server.
const agentId = 'slack-crash';

let llm: FakeLlmServer;
let slack: FakeSlack;
let harness: ChannelProcessesHarness;

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const repliesIn = (channel: string, text: string) =>
  slack.sent.filter(
    (entry) =>
      entry.method === 'chat.postMessage' && entry.channel === channel && entry.text === text,
  );

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  slack = await startFakeSlack({ ackTimeoutMs: 1000 });
  for (const user of ['U2KILL', 'U2RESTART']) {
    slack.addUser(user, user.toLowerCase());
    slack.addConversation({ id: `D${user}`, type: 'im', name: user });
  }
  harness = await startChannelProcesses({
    temporalAddress: inject('temporalAddress'),
    llm,
    config: { agent: { id: agentId }, session: { dmScope: 'per-channel-peer' } },
    channels: {
      slack: {
        botToken: slack.identity.botToken,
        appToken: slack.identity.appToken,
        apiUrl: slack.apiUrl,
        dmPolicy: 'allowlist',
        allowFrom: ['U2KILL', 'U2RESTART'],
      },
    },
  });
  await until(() => slack.socketMode.openConnections > 0, 'the Socket Mode connection');
}, 180_000);

afterAll(async () => {
  await harness?.close();
  await slack?.close();
  await llm?.close();
});

describe('Slack across crashes', () => {
  it('answers once after the worker is SIGKILLed mid-turn and a new worker starts', async () => {
    // The first LLM call hangs until its worker dies; the retry on the new worker answers.
    llm.scriptFor('survive the kill', [
      { kind: 'stall' },
      { kind: 'text', text: 'answered after the kill' },
    ]);
    slack.userMessage({ channel: 'DU2KILL', user: 'U2KILL', text: 'survive the kill' });
    await until(
      () => llm.requests.some((request) => request.userText === 'survive the kill'),
      'the turn',
    );
    await harness.killWorker();
    harness.startWorker();
    await until(() => repliesIn('DU2KILL', 'answered after the kill')[0], 'the reply');
    await sleep(2000);
    expect(repliesIn('DU2KILL', 'answered after the kill')).toHaveLength(1);
    expect(slack.sent.filter((entry) => entry.channel === 'DU2KILL')).toHaveLength(1);
  }, 150_000);

  it('answers once when the gateway hosting Slack restarts mid-turn', async () => {
    llm.scriptFor('survive the restart', [
      { kind: 'stall', ms: 4000, text: 'answered across the restart' },
      { kind: 'text', text: 'answered across the restart' },
    ]);
    const { deliveries } = slack.userMessage({
      channel: 'DU2RESTART',
      user: 'U2RESTART',
      text: 'survive the restart',
    });
    await until(
      () => llm.requests.some((request) => request.userText === 'survive the restart'),
      'the turn',
    );
    await harness.restartGateway();
    await until(() => repliesIn('DU2RESTART', 'answered across the restart')[0], 'the reply');
    // The new gateway process never saw the message; a redelivery by Slack is a duplicate.
    slack.socketMode.redeliver(deliveries[0] ?? '', 'timeout');
    await sleep(2000);
    expect(repliesIn('DU2RESTART', 'answered across the restart')).toHaveLength(1);
    expect(slack.sent.filter((entry) => entry.channel === 'DU2RESTART')).toHaveLength(1);
  }, 150_000);
});
