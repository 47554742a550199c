import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent, RunPart } from '../../core/events/types.js';
import { zeroUsage, type AssistantMessage } from '../../core/messages.js';
import {
  agentEventSchema,
  approvalRequestedSchema,
  approvalResolvedSchema,
  chatEventSchema,
  type EventFrame,
} from '../../core/protocol/index.js';
import { startTestGateway, TestClient, type TestGateway } from '../ws/test-harness.js';

interface Recorded {
  dir: 'send' | 'recv';
  frame: EventFrame;
}
const recording = (name: string): EventFrame[] =>
  readFileSync(join('/work/shared/reference/openclaw-frames', name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Recorded)
    .filter((line) => line.dir === 'recv' && line.frame.type === 'event')
    .map((line) => line.frame);

const keys = (value: unknown) => Object.keys(value as object).sort();

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

function assistant(text: string): AssistantMessage {
  return {
    role: 'assistant',
    content: [{ type: 'text', text }],
    api: 'openai-completions',
    provider: 'fake',
    model: 'fake-model',
    usage: zeroUsage(),
    stopReason: 'stop',
    timestamp: 1,
  };
}

function publisher(g: TestGateway, runId: string, sessionKey = 'agent:main:main') {
  return (part: RunPart) => {
    const event: RunEvent = { runId, sessionKey, turnId: `turn:${runId}`, ts: Date.now(), part };
    g.bus.publish(event);
  };
}

/** Events named agent/chat received by a client, once `count` of them arrived. */
async function runEvents(client: TestClient, count: number): Promise<EventFrame[]> {
  const isRun = (frame: { type: string; event?: string }) =>
    frame.type === 'event' && (frame.event === 'agent' || frame.event === 'chat');
  await client.next(() => client.frames.filter(isRun).length >= count);
  return client.frames.filter(isRun) as EventFrame[];
}

describe('event hub', () => {
  it('streams a plain turn as OpenClaw does: lifecycle, assistant deltas, chat delta/final', async () => {
    gateway = await startTestGateway();
    const { client } = await TestClient.connected(gateway.url);
    const publish = publisher(gateway, 'run-1');
    publish({ type: 'run-start', startedAt: 100 });
    publish({ type: 'step-start', step: 1, model: 'fake-model' });
    publish({ type: 'text-delta', step: 1, delta: 'echo:', text: 'echo:' });
    publish({ type: 'text-delta', step: 1, delta: ' hello', text: 'echo: hello' });
    publish({ type: 'message-final', step: 1, message: assistant('echo: hello') });
    publish({ type: 'run-finish', endedAt: 200, status: 'ok', message: assistant('echo: hello') });
    const events = await runEvents(client, 7);

    expect(
      events.map((frame) => [
        frame.event,
        (frame.payload as { stream?: string }).stream ?? (frame.payload as { state: string }).state,
      ]),
    ).toEqual([
      ['agent', 'lifecycle'],
      ['agent', 'assistant'],
      ['chat', 'delta'],
      ['agent', 'assistant'],
      ['chat', 'delta'],
      ['agent', 'lifecycle'],
      ['chat', 'final'],
    ]);
    for (const frame of events) {
      (frame.event === 'agent' ? agentEventSchema : chatEventSchema).parse(frame.payload);
    }
    // Field names match the recording of a real OpenClaw gateway, frame by frame kind.
    const recorded = recording('plain.jsonl').filter(
      (frame) => frame.event === 'agent' || frame.event === 'chat',
    );
    const kind = (frame: EventFrame) => {
      const payload = frame.payload as {
        stream?: string;
        state?: string;
        data: { phase?: string };
      };
      return `${frame.event}:${payload.stream ?? payload.state}:${payload.data?.phase ?? ''}`;
    };
    for (const frame of events) {
      const twin = recorded.find((candidate) => kind(candidate) === kind(frame))!;
      expect(keys(frame), kind(frame)).toEqual(keys(twin));
      expect(keys(frame.payload), kind(frame)).toEqual(keys(twin.payload));
      const data = (frame.payload as { data?: unknown }).data;
      if (data)
        expect(keys(data), kind(frame)).toEqual(keys((twin.payload as { data: unknown }).data));
    }
    // Per-run seq in the payload; a chat event shares the seq of its agent event.
    expect(events.map((frame) => (frame.payload as { seq: number }).seq)).toEqual([
      1, 2, 2, 3, 3, 4, 4,
    ]);
    expect(events[4]!.payload).toMatchObject({
      state: 'delta',
      message: { role: 'assistant', content: [{ type: 'text', text: 'echo: hello' }] },
    });
    expect(events[6]!.payload).toMatchObject({
      runId: 'run-1',
      sessionKey: 'agent:main:main',
      state: 'final',
      message: { content: [{ type: 'text', text: 'echo: hello' }], timestamp: 200 },
    });
    client.close();
  });

  it('streams tool calls on the tool stream and restarts text on stream-retry', async () => {
    gateway = await startTestGateway();
    const { client } = await TestClient.connected(gateway.url);
    const publish = publisher(gateway, 'run-2', 'agent:main:tool3');
    publish({ type: 'run-start', startedAt: 1 });
    publish({
      type: 'tool-start',
      step: 1,
      toolCallId: 'call_1',
      name: 'exec',
      args: { command: 'echo 42' },
    });
    publish({
      type: 'tool-result',
      step: 1,
      toolCallId: 'call_1',
      name: 'exec',
      result: { text: '42', details: { exitCode: 0 } },
      isError: false,
    });
    publish({ type: 'text-delta', step: 2, delta: 'DO', text: 'DO' });
    publish({ type: 'stream-retry', step: 2, attempt: 2, reason: 'connection reset' });
    publish({ type: 'text-delta', step: 2, delta: 'DONE', text: 'DONE' });
    publish({ type: 'run-finish', endedAt: 2, status: 'ok' });
    const events = await runEvents(client, 11);
    const payloads = events.map(
      (frame) => frame.payload as { stream?: string; data?: Record<string, unknown> },
    );

    const recorded = recording('tool-verbose.jsonl').map(
      (frame) => frame.payload as { stream?: string; data?: Record<string, unknown> },
    );
    const toolStart = recorded.find((p) => p.stream === 'tool' && p.data?.phase === 'start')!;
    const toolResult = recorded.find((p) => p.stream === 'tool' && p.data?.phase === 'result')!;
    expect(keys(payloads[1]!.data)).toEqual(keys(toolStart.data));
    expect(payloads[1]!.data).toEqual({
      phase: 'start',
      name: 'exec',
      toolCallId: 'call_1',
      args: { command: 'echo 42' },
    });
    // OpenClaw also sends a `meta` summary; everything else matches.
    expect(keys(toolResult.data)).toEqual(expect.arrayContaining(keys(payloads[2]!.data)));
    expect(payloads[2]!.data).toEqual({
      phase: 'result',
      name: 'exec',
      toolCallId: 'call_1',
      isError: false,
      result: { content: [{ type: 'text', text: '42' }], details: { exitCode: 0 } },
    });
    expect(payloads[5]!.data).toEqual({ text: '', delta: '', reset: true });
    expect(events[6]!.payload).toMatchObject({
      state: 'delta',
      message: { content: [{ text: '' }] },
    });
    expect(events[10]!.payload).toMatchObject({
      state: 'final',
      message: { content: [{ text: 'DONE' }] },
    });
    client.close();
  });

  it('sends one end per run when the run-finish event is published twice', async () => {
    gateway = await startTestGateway();
    const { client } = await TestClient.connected(gateway.url);
    const publish = publisher(gateway, 'run-twice');
    publish({ type: 'run-start', startedAt: 100 });
    publish({ type: 'run-finish', endedAt: 200, status: 'ok', message: assistant('done') });
    // A session run's first task retried after its worker died: the end comes again.
    publish({ type: 'run-finish', endedAt: 201, status: 'ok', message: assistant('done') });
    publisher(gateway, 'run-next')({ type: 'run-start', startedAt: 300 });
    const events = await runEvents(client, 4);
    expect(
      events.map((frame) => [
        (frame.payload as { runId: string }).runId,
        (frame.payload as { stream?: string }).stream ?? (frame.payload as { state: string }).state,
      ]),
    ).toEqual([
      ['run-twice', 'lifecycle'],
      ['run-twice', 'lifecycle'],
      ['run-twice', 'final'],
      ['run-next', 'lifecycle'],
    ]);
  });

  it('ends failed and aborted runs with lifecycle error/end and chat error/aborted', async () => {
    gateway = await startTestGateway();
    const { client } = await TestClient.connected(gateway.url);
    publisher(
      gateway,
      'run-err',
    )({ type: 'run-finish', endedAt: 5, status: 'error', errorMessage: 'model unavailable' });
    const abort = publisher(gateway, 'run-abort');
    abort({ type: 'text-delta', step: 1, delta: 'par', text: 'par' });
    abort({ type: 'run-finish', endedAt: 6, status: 'aborted' });
    const events = await runEvents(client, 6);
    expect(events[0]!.payload).toMatchObject({
      stream: 'lifecycle',
      data: { phase: 'error', error: 'model unavailable' },
    });
    expect(events[1]!.payload).toMatchObject({ state: 'error', errorMessage: 'model unavailable' });
    expect(events[4]!.payload).toMatchObject({
      stream: 'lifecycle',
      data: { phase: 'end', aborted: true },
    });
    expect(events[5]!.payload).toMatchObject({
      state: 'aborted',
      message: { content: [{ text: 'par' }] },
    });
    client.close();
  });

  it('announces approvals with OpenClaw’s exec.approval.* events', async () => {
    gateway = await startTestGateway();
    const { client } = await TestClient.connected(gateway.url);
    const publish = publisher(gateway, 'run-approve');
    publish({
      type: 'approval-request',
      approval: {
        approvalId: 'ap-1',
        turnId: 'turn:run-approve',
        sessionKey: 'agent:main:main',
        runId: 'run-approve',
        toolCallId: 'call_9',
        toolName: 'bash',
        args: { command: 'rm -rf build' },
        requestedAt: 10,
        expiresAt: 20,
      },
    });
    publish({ type: 'approval-resolve', approvalId: 'ap-1', decision: 'deny', reason: 'timeout' });
    const requested = await client.event('exec.approval.requested');
    expect(approvalRequestedSchema.parse(requested.payload)).toMatchObject({
      id: 'ap-1',
      request: { toolName: 'bash', args: { command: 'rm -rf build' } },
      expiresAtMs: 20,
    });
    const resolved = await client.event('exec.approval.resolved');
    expect(approvalResolvedSchema.parse(resolved.payload)).toMatchObject({
      id: 'ap-1',
      decision: 'deny',
      reason: 'timeout',
    });
    expect(resolved.seq).toBe(requested.seq! + 1);
    client.close();
  });
});
