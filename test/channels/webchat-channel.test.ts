// WebChat in the channel registry: with no channel configured, the gateway lists the
// WebChat account in channels.status (running, connected), and a turn from the WebChat
// protocol (chat.send) is answered as before.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WEBCHAT_CHANNEL_ID } from '../../channels/webchat/index.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

let llm: FakeLlmServer;
let harness: ChannelGatewayHarness;

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    config: { agent: { id: 'webchatreg' } },
    channels: {},
  });
});

afterAll(async () => {
  await harness?.close();
  await llm?.close();
});

describe('webchat as a registry channel', () => {
  it('is listed by channels.status without any config, running and connected', async () => {
    const { accounts } = (await harness.call('channels.status', {})) as {
      accounts: { channel: string; accountId: string; running: boolean; connected: boolean }[];
    };
    expect(accounts).toEqual([
      expect.objectContaining({
        channel: WEBCHAT_CHANNEL_ID,
        accountId: 'default',
        configured: true,
        running: true,
        connected: true,
        botName: 'WebChat',
      }),
    ]);
  });

  it('still answers a chat.send turn, recorded with channel webchat', async () => {
    const { runId } = (await harness.call('chat.send', {
      sessionKey: 'agent:webchatreg:main',
      message: 'hello from the page',
      idempotencyKey: 'webchat-registry-1',
    })) as { runId: string };
    await harness.call('agent.wait', { runId, timeoutMs: 30_000 });
    const entries = await harness.transcript('agent:webchatreg:main');
    expect(JSON.stringify(entries)).toContain('echo: hello from the page');
  });
});
