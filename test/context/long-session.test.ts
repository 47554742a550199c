import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CompactionEntry } from '../../core/sessions/index.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startAgentHarness, type AgentHarness } from '../helpers/agent-harness.js';
import { scheduledActivities, summarizingReply, turn, turnHandle } from './helpers.js';

const window = 24_000;
let llm: FakeLlmServer;
let harness: AgentHarness;

beforeAll(async () => {
  llm = await startFakeLlmServer({
    apiKeys: ['test-key'],
    contextWindow: window,
    defaultReply: summarizingReply(),
  });
  harness = await startAgentHarness({
    temporalAddress: inject('temporalAddress'),
    llm,
    provider: 'anthropic',
    config: { agent: { contextTokens: window } },
  });
  // 200 KB: far more than the whole window.
  const line = `${'0123456789'.repeat(19)}xyz\n`;
  mkdirSync(harness.paths.workspaceDir, { recursive: true });
  writeFileSync(join(harness.paths.workspaceDir, 'big.txt'), line.repeat(1_000));
});
afterAll(async () => {
  await harness.close();
  await llm.close();
});

describe('a long session on a small context window', () => {
  it('answers 300 turns with several 200 KB tool results, compacting as it goes', async () => {
    const key = 'agent:main:context-long';
    for (let index = 0; index < 300; index++) {
      const text =
        index % 60 === 7
          ? 'TOOL read_file {"path":"big.txt"}'
          : `turn ${index}: ${'some words the user wrote '.repeat(12)}`;
      const { outcome } = await turn(harness, key, text);
      expect(outcome.status, `turn ${index}`).toBe('ok');
    }
    const requests = llm.requests.filter((request) => request.path === '/v1/messages');
    // Nothing over the window was ever sent.
    expect(requests.filter((request) => request.overflowed)).toEqual([]);
    expect(Math.max(...requests.map((request) => request.inputTokens))).toBeLessThanOrEqual(window);

    const transcript = await harness.transcript(key);
    const compactions = transcript.filter(
      (entry): entry is CompactionEntry => entry.type === 'compaction',
    );
    expect(compactions.length).toBeGreaterThan(1);
    expect(compactions.every((entry) => entry.mode === 'summary')).toBe(true);
    // The tool results themselves stay whole in the transcript.
    const results = transcript.flatMap((entry) =>
      entry.type === 'message' && entry.message.role === 'toolResult' ? [entry.message] : [],
    );
    expect(results.length).toBe(5);
    for (const result of results) expect(result.content[0]?.text.length).toBeGreaterThan(190_000);

    // The compaction ran as an activity of its own in the turn that needed it ...
    const last = compactions.at(-1)!;
    const handle = await turnHandle(harness, key, last.runId);
    expect(await scheduledActivities(handle)).toEqual([
      'llm.generate',
      'context.compact',
      'llm.generate',
    ]);
    // ... and the calls after it start from its summary.
    const summaryText = last.summary.split(':')[0]!;
    const afterwards = requests.at(-1)!;
    expect(JSON.stringify(afterwards.body)).toContain(summaryText);
    // The summary is a cache breakpoint: it changes only at the next compaction.
    const [first] = (afterwards.body as { messages: { content: Record<string, unknown>[] }[] })
      .messages;
    expect(first?.content[0]?.type).toBe('text');
    expect(String(first?.content[0]?.text)).toMatch(/^\[Summary of the earlier conversation/);
    expect(first?.content[0]?.cache_control).toEqual({ type: 'ephemeral' });
  }, 600_000);
});
