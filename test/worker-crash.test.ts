import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TranscriptEntry } from '../core/sessions/index.js';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { startAgentHarness, type AgentHarness } from './helpers/agent-harness.js';

// The worker runs as `clawdbot worker` in its own process and is SIGKILLed mid-turn; a
// new worker process must finish the turn with nothing lost and nothing done twice.
let llm: FakeLlmServer;
let harness: AgentHarness;
beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
});
afterAll(async () => {
  await llm.close();
});
afterEach(async () => {
  await harness?.close();
});

function ids(entries: TranscriptEntry[]): string[] {
  return entries.map((entry) => entry.id);
}

async function killWorker(): Promise<void> {
  const worker = harness.workerProcess!;
  worker.child.kill('SIGKILL');
  await worker.exited;
}

describe('worker killed mid-turn', () => {
  it('in the middle of a slow tool: the turn completes after a new worker starts', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'openai',
      worker: 'child',
    });
    const sessionKey = 'agent:main:crash-tool';
    llm.scriptFor('slow-tool', [
      {
        kind: 'tool_calls',
        calls: [
          {
            id: 'call_slow',
            name: 'bash',
            arguments: { command: 'sleep 30; echo finished > slow.txt' },
          },
        ],
      },
      { kind: 'text', text: 'The command did not finish because its worker stopped.' },
    ]);
    const runId = await harness.send(sessionKey, 'run the slow-tool');
    await harness.waitForEvent(
      (event) => event.runId === runId && event.part.type === 'tool-start',
      60_000,
    );
    await sleep(500);
    await killWorker();
    harness.startChildWorker();
    const outcome = await harness.wait(runId, sessionKey, 120_000);
    expect(outcome).toMatchObject({
      status: 'ok',
      text: 'The command did not finish because its worker stopped.',
    });

    const transcript = await harness.transcript(sessionKey);
    expect(new Set(ids(transcript)).size).toBe(transcript.length);
    expect(
      transcript.map((entry) => (entry.type === 'message' ? entry.message.role : entry.type)),
    ).toEqual(['session', 'user', 'assistant', 'toolResult', 'assistant']);
    const toolResult = transcript[3]!;
    // bash is not idempotent: it is not run again on the new worker, and the model is told.
    expect(
      toolResult.type === 'message' &&
        toolResult.message.role === 'toolResult' &&
        toolResult.message.isError,
    ).toBe(true);
    expect(harness.eventsOf(runId).filter((part) => part.type === 'run-finish')).toHaveLength(1);
  });

  it('in the middle of a slow stream: the reply restarts (marked) and is delivered once', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'anthropic',
      worker: 'child',
    });
    const sessionKey = 'agent:main:crash-stream';
    const words = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    llm.scriptFor('slow-stream', [{ kind: 'slow', text: words, chunkDelayMs: 100 }]);
    const runId = await harness.send(sessionKey, 'tell a slow-stream story');
    await harness.waitForEvent(
      (event) =>
        event.runId === runId && event.part.type === 'text-delta' && event.part.text.length > 10,
      60_000,
    );
    await killWorker();
    harness.startChildWorker();
    const outcome = await harness.wait(runId, sessionKey, 120_000);
    // The retried call got the fake's default echo reply: the script step was used up by the first attempt.
    expect(outcome).toMatchObject({ status: 'ok', text: 'echo: tell a slow-stream story' });
    const parts = harness.eventsOf(runId);
    const retry = parts.findIndex((part) => part.type === 'stream-retry');
    expect(retry).toBeGreaterThan(0);
    const afterRetry = parts
      .slice(retry)
      .flatMap((part) => (part.type === 'text-delta' ? [part] : []));
    expect(afterRetry.at(-1)!.text).toBe('echo: tell a slow-stream story');
    expect(parts.filter((part) => part.type === 'run-finish')).toHaveLength(1);
    const transcript = await harness.transcript(sessionKey);
    expect(new Set(ids(transcript)).size).toBe(transcript.length);
    expect(
      transcript.map((entry) => (entry.type === 'message' ? entry.message.role : entry.type)),
    ).toEqual(['session', 'user', 'assistant']);
  });
});
