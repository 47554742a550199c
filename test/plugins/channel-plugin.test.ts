import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { packageRoot } from '../../core/paths.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startLoopchatServer, type LoopchatServer } from '../fakes/loopchat-server.js';
import { cleanEnv, spawnClawdbot } from '../helpers/cli-process.js';
import { startChannelProcesses, type ChannelProcessesHarness } from '../helpers/channel-harness.js';

// A channel plugin loaded from config by `clawdbot gateway` and `clawdbot worker` child
// processes (TypeScript imported at run time, no build step), beside a plugin whose entry
// throws: the gateway starts anyway and serves the plugin channel like a built-in one.

const fixtures = join(packageRoot, 'test', 'fixtures', 'plugins');
let llm: FakeLlmServer;
let platform: LoopchatServer;
let harness: ChannelProcessesHarness;

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function inbound(account: string, message: Record<string, string>) {
  const response = await fetch(`${harness.url}/loopchat/${account}/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { status: string; code?: string };
}

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  platform = await startLoopchatServer();
  harness = await startChannelProcesses({
    temporalAddress: inject('temporalAddress'),
    llm,
    config: {
      agent: { id: 'plugchan' },
      session: { dmScope: 'per-channel-peer' },
      plugins: {
        load: {
          paths: [join(fixtures, 'loopchat'), join(fixtures, 'throws-on-import')],
        },
      },
    },
    channels: {
      loopchat: {
        apiUrl: platform.url,
        accounts: { open: { dmPolicy: 'open', allowFrom: ['*'] }, paired: {} },
      },
    },
  });
}, 180_000);

afterAll(async () => {
  await harness?.close();
  await platform?.close();
  await llm?.close();
});

describe('a channel plugin in the gateway process', () => {
  it('message in, reply out; a redelivery gets one reply', async () => {
    const message = { messageId: 'w1', chatId: 'alice', senderId: 'alice', text: 'hi plugin' };
    const first = (await inbound('open', message)) as { status: string; runId?: string };
    expect(first).toMatchObject({ status: 'accepted' });
    // The platform redelivers before the reply: the same message id joins the same turn.
    expect(await inbound('open', message)).toMatchObject({ runId: first.runId });
    const reply = await until(
      () => platform.sends.find((send) => send.chatId === 'alice'),
      'the reply',
    );
    expect(reply).toMatchObject({ accountId: 'open', text: 'echo: hi plugin' });
    await sleep(1000);
    expect(platform.sends.filter((send) => send.chatId === 'alice')).toHaveLength(1);
  }, 150_000);

  it('an unknown sender gets a pairing code that `pairing list` shows', async () => {
    const outcome = await inbound('paired', {
      messageId: 'p1',
      chatId: 'bob',
      senderId: 'bob',
      text: 'let me in',
    });
    expect(outcome.status).toBe('pairing');
    expect(outcome.code).toMatch(/\S/);
    const notice = await until(
      () => platform.sends.find((send) => send.chatId === 'bob'),
      'the pairing message',
    );
    expect(notice.text).toContain(outcome.code);
    const listed = (await harness.call('pairing.list', { channel: 'loopchat' })) as {
      requests: { senderId: string; code: string }[];
    };
    expect(listed.requests).toEqual([
      expect.objectContaining({ senderId: 'bob', code: outcome.code }),
    ]);
  }, 150_000);

  it('channels.status and `channels list` show the plugin channel; the broken plugin is reported', async () => {
    const status = (await harness.call('channels.status')) as {
      accounts: { channel: string; accountId: string; running: boolean }[];
    };
    expect(status.accounts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: 'loopchat', accountId: 'open', running: true }),
        expect.objectContaining({ channel: 'loopchat', accountId: 'paired', running: true }),
      ]),
    );
    const list = spawnClawdbot(
      ['channels', 'list', '--json', '--state-dir', harness.paths.stateDir],
      cleanEnv({ CLAWDBOT_LOG_LEVEL: 'silent' }),
    );
    expect((await list.exited).code).toBe(0);
    const rows = (JSON.parse(list.output()) as { channels: { channel: string }[] }).channels;
    expect(rows.map((row) => row.channel)).toContain('loopchat');
    expect(harness.gateway.output()).toContain('plugin throws-on-import');
  }, 150_000);
});
