import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { TestClient, type ServerFrame } from '../gateway/ws/test-harness.js';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { startGatewayHarness, type GatewayHarness } from './helpers/agent-harness.js';

// OpenClaw protocol clients against the real gateway, real Temporal and a real worker.
let llm: FakeLlmServer;
let gateway: GatewayHarness | undefined;
beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
});
afterAll(async () => {
  await llm.close();
});
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

type Payload = Record<string, unknown>;
const payloadOf = (frame: ServerFrame) =>
  frame.type === 'event' ? (frame.payload as Payload) : {};
const isChat = (runId: string, state: string) => (frame: ServerFrame) =>
  frame.type === 'event' &&
  frame.event === 'chat' &&
  payloadOf(frame).runId === runId &&
  payloadOf(frame).state === state;

async function connect(url: string) {
  return (await TestClient.connected(url.replace(/^http/, 'ws'))).client;
}

describe('chat over the WebSocket protocol, end to end', () => {
  it('chat.send streams agent and chat events in order, then chat.history has the turn', async () => {
    gateway = await startGatewayHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'openai',
    });
    const client = await connect(gateway.url);
    llm.scriptFor('tool please', [
      {
        kind: 'tool_calls',
        calls: [{ id: 'call_1', name: 'write_file', arguments: { path: 'a.txt', content: 'A' } }],
      },
      { kind: 'text', text: 'wrote it for you', chunks: 3 },
    ]);
    const sent = await client.request('chat.send', {
      sessionKey: 'agent:main:e2e-chat',
      message: 'tool please',
      idempotencyKey: 'idem-1',
    });
    expect(sent).toMatchObject({ ok: true, payload: { runId: 'idem-1', status: 'started' } });
    const final = await client.next(isChat('idem-1', 'final'), 30_000).catch((error: Error) => {
      const seen = client.frames.map((frame) =>
        frame.type === 'event'
          ? `${frame.event}:${JSON.stringify(frame.payload).slice(0, 160)}`
          : frame.type,
      );
      throw new Error(
        `${error.message}; frames: ${seen.join('\n')}; llm requests: ${llm.requests.map((r) => r.userText).join(' | ')}`,
      );
    });
    expect(payloadOf(final).message).toMatchObject({
      role: 'assistant',
      content: [{ type: 'text', text: 'wrote it for you' }],
    });

    const events = client.frames.filter(
      (frame) => frame.type === 'event' && payloadOf(frame).runId === 'idem-1',
    );
    const seqs = events.map((frame) => (frame.type === 'event' ? frame.seq! : 0));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const agentStreams = events
      .filter((frame) => frame.type === 'event' && frame.event === 'agent')
      .map(
        (frame) =>
          `${String(payloadOf(frame).stream)}:${String((payloadOf(frame).data as { phase?: string }).phase ?? '')}`,
      );
    expect(agentStreams[0]).toBe('lifecycle:start');
    expect(agentStreams).toContain('tool:start');
    expect(agentStreams).toContain('tool:result');
    expect(agentStreams.indexOf('tool:result')).toBeLessThan(agentStreams.indexOf('assistant:'));
    expect(agentStreams.at(-1)).toBe('lifecycle:end');

    // A retried send with the same idempotency key starts nothing new.
    expect(
      await client.request('chat.send', {
        sessionKey: 'agent:main:e2e-chat',
        message: 'tool please',
        idempotencyKey: 'idem-1',
      }),
    ).toMatchObject({ ok: true });
    const history = await client.request('chat.history', {
      sessionKey: 'agent:main:e2e-chat',
      limit: 20,
    });
    expect(history.ok).toBe(true);
    const messages = (history.ok ? (history.payload as { messages: Payload[] }).messages : []).map(
      (message) => message.role,
    );
    expect(messages).toEqual(['user', 'assistant', 'toolResult', 'assistant']);
    client.socket.close();
  });

  it('agent answers twice (accepted, then the result); agent.wait; chat.abort stops a stream', async () => {
    gateway = await startGatewayHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'anthropic',
    });
    const client = await connect(gateway.url);
    const id = 'agent-req';
    void client.request(
      'agent',
      { sessionKey: 'agent:main:agent-method', message: 'hi agent', idempotencyKey: 'agent-run-1' },
      id,
    );
    const first = await client.response(id, 1, 10_000);
    expect(first).toMatchObject({
      ok: true,
      payload: { runId: 'agent-run-1', status: 'accepted' },
    });
    const second = await client.response(id, 2, 30_000);
    expect(second).toMatchObject({ ok: true, payload: { runId: 'agent-run-1', status: 'ok' } });
    expect(JSON.stringify(second)).toContain('echo: hi agent');
    expect(
      await client.request('agent.wait', { runId: 'agent-run-1', timeoutMs: 5000 }),
    ).toMatchObject({ ok: true, payload: { status: 'ok' } });

    llm.scriptFor('long story', [
      {
        kind: 'slow',
        text: Array.from({ length: 200 }, (_, i) => `w${i}`).join(' '),
        chunkDelayMs: 50,
      },
    ]);
    await client.request('chat.send', {
      sessionKey: 'agent:main:abortme',
      message: 'long story',
      idempotencyKey: 'long-1',
    });
    await client.next(isChat('long-1', 'delta'), 30_000);
    expect(await client.request('chat.abort', { sessionKey: 'agent:main:abortme' })).toMatchObject({
      ok: true,
    });
    await client.next(isChat('long-1', 'aborted'), 30_000);
    client.socket.close();
  });

  it('an approval is announced to clients and resolved with exec.approval.resolve', async () => {
    gateway = await startGatewayHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'openai',
      config: { approvals: { tools: ['write_file'], bashPatterns: [], timeoutMs: 60_000 } },
    });
    const client = await connect(gateway.url);
    llm.scriptFor('gated write', [
      {
        kind: 'tool_calls',
        calls: [{ id: 'call_g', name: 'write_file', arguments: { path: 'g.txt', content: 'G' } }],
      },
      { kind: 'text', text: 'done after approval' },
    ]);
    await client.request('chat.send', {
      sessionKey: 'agent:main:gated',
      message: 'gated write',
      idempotencyKey: 'gated-1',
    });
    const requested = await client.next(
      (frame) => frame.type === 'event' && frame.event === 'exec.approval.requested',
      30_000,
    );
    const id = String(payloadOf(requested).id);
    // The list comes from Temporal's visibility store, which lags the workflow by a moment.
    await expect
      .poll(async () => JSON.stringify(await client.request('exec.approval.list', {})), {
        timeout: 10_000,
      })
      .toContain(id);
    expect(
      await client.request('exec.approval.resolve', { id: 'nope', decision: 'allow-once' }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(
      await client.request('exec.approval.resolve', { id, decision: 'allow-once' }),
    ).toMatchObject({ ok: true, payload: { decision: 'approve' } });
    await client.next(
      (frame) => frame.type === 'event' && frame.event === 'exec.approval.resolved',
      30_000,
    );
    const final = await client.next(isChat('gated-1', 'final'), 30_000);
    expect(JSON.stringify(payloadOf(final).message)).toContain('done after approval');
    client.socket.close();
  });
});
