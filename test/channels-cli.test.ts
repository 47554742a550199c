import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPairingStore } from '../channels/shared/pairing-store.js';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { cleanEnv, spawnClawdbot } from './helpers/cli-process.js';
import { startChannelProcesses, type ChannelProcessesHarness } from './helpers/channel-harness.js';

// `clawdbot channels` and `clawdbot pairing` against a real `clawdbot gateway --no-worker`
// (with a `clawdbot worker` beside it), and against the files when the gateway is down.

let llm: FakeLlmServer;
let harness: ChannelProcessesHarness;

async function cli(...args: string[]): Promise<{ code: number | null; output: string }> {
  const run = spawnClawdbot(
    [...args, '--state-dir', harness.paths.stateDir],
    cleanEnv({ CLAWDBOT_LOG_LEVEL: 'warn' }),
  );
  const { code } = await run.exited;
  return { code, output: run.output() };
}

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  harness = await startChannelProcesses({
    temporalAddress: inject('temporalAddress'),
    llm,
    channels: {},
  });
});

afterAll(async () => {
  await harness?.close();
  await llm?.close();
});

describe('channels and pairing commands', () => {
  // Each command is a fresh `clawdbot` process: slow to start on a loaded machine.
  it('channels status asks the running gateway; /health lists channels', async () => {
    const status = await cli('channels', 'status', '--json');
    expect(status.code).toBe(0);
    const payload = JSON.parse(status.output) as { ts: number; accounts: unknown[] };
    // No channel is configured: only WebChat, which needs no config, is there.
    expect(payload.accounts).toEqual([
      expect.objectContaining({ channel: 'webchat', accountId: 'default', running: true }),
    ]);
    expect(payload.ts).toBeGreaterThan(0);
    const health = (await (await fetch(`${harness.url}/health`)).json()) as {
      channels: unknown[];
    };
    expect(health.channels).toEqual([
      expect.objectContaining({ channel: 'webchat', accountId: 'default', connected: true }),
    ]);
  }, 120_000);

  it('pairing list goes through the gateway; approve without a gateway edits the files and says no notice was sent', async () => {
    const store = createPairingStore({ stateDir: harness.paths.stateDir });
    const request = await store.request('telegram', '4242', { chatId: '4242' });
    if (!('code' in request)) throw new Error('pairing store full');
    const listed = await cli('pairing', 'list', '--json');
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.output) as { requests: unknown[] }).requests).toContainEqual(
      expect.objectContaining({ channel: 'telegram', senderId: '4242', code: request.code }),
    );

    harness.gateway.child.kill('SIGTERM');
    await harness.gateway.exited;
    const approved = await cli('pairing', 'approve', 'telegram', request.code);
    expect(approved.code).toBe(0);
    expect(approved.output).toContain('Approved telegram sender 4242');
    expect(approved.output).toContain('no notice was sent');
    expect(await store.allowFrom('telegram')).toContain('4242');
    const again = await cli('pairing', 'approve', 'telegram', request.code);
    expect(again.code).toBe(1);
    await harness.restartGateway();
  }, 240_000);

  it('channels list reads config (no gateway needed)', async () => {
    const listed = await cli('channels', 'list', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.output)).toHaveProperty('channels');
  }, 120_000);
});
