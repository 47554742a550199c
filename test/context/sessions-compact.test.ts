import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TestClient } from '../../gateway/ws/test-harness.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startGatewayHarness, type GatewayHarness } from '../helpers/agent-harness.js';
import { summarizingReply, turn } from './helpers.js';

let llm: FakeLlmServer;
let gateway: GatewayHarness;

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'], defaultReply: summarizingReply() });
  gateway = await startGatewayHarness({
    temporalAddress: inject('temporalAddress'),
    llm,
    provider: 'anthropic',
  });
});
afterAll(async () => {
  await gateway.close();
  await llm.close();
});

describe('sessions.compact', () => {
  it('compacts a session over the protocol, as /compact does in a chat', async () => {
    const key = 'agent:main:context-protocol-compact';
    const { harness } = gateway;
    for (const text of ['the sky is green here', 'and the grass is blue']) {
      await turn(harness, key, text);
    }
    const { client } = await TestClient.connected(gateway.url.replace(/^http/, 'ws'));
    const answer = await client.request('sessions.compact', { key, idempotencyKey: 'compact-1' });
    expect(answer).toMatchObject({ ok: true, payload: { ok: true, key, runId: 'compact-1' } });
    const outcome = await harness.wait('compact-1', key, 60_000);
    expect(outcome.text).toMatch(/^Compacted the conversation: 4 earlier messages/);
    const transcript = await harness.transcript(key);
    expect(transcript.filter((entry) => entry.type === 'compaction')).toHaveLength(1);
    client.close();
  });
});
