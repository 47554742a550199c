import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CompactionEntry, TranscriptEntry } from '../../core/sessions/index.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startAgentHarness, type AgentHarness } from '../helpers/agent-harness.js';
import { texts } from '../helpers/transcript.js';
import {
  scheduledActivities,
  summarizingReply,
  summaryMarker,
  turn,
  turnHandle,
} from './helpers.js';

const window = 64_000;
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
    provider: 'openai',
    config: { agent: { contextTokens: window } },
  });
});
afterAll(async () => {
  await harness.close();
  await llm.close();
});

const compactions = (entries: TranscriptEntry[]) =>
  entries.filter((entry): entry is CompactionEntry => entry.type === 'compaction');

/** A session with about 100 000 characters of history: well within the window. */
async function fill(key: string): Promise<void> {
  for (let index = 0; index < 12; index++) {
    const { outcome } = await turn(harness, key, `fact ${index}: ${'lorem ipsum '.repeat(330)}`);
    expect(outcome.status).toBe('ok');
  }
}

describe('compaction on request and when it fails', () => {
  it('/compact whose first summary request is too long succeeds in chunks', async () => {
    const key = 'agent:main:context-chunks';
    await fill(key);
    const before = llm.requests.length;
    // The provider counts far more tokens than estimated: the single request is refused.
    llm.scriptFor(summaryMarker, [
      {
        kind: 'error',
        status: 400,
        message: `This model's maximum context length is ${window} tokens. However, your messages resulted in 200000 tokens. Please reduce the length of the messages.`,
      },
    ]);
    const { runId, outcome } = await turn(harness, key, '/compact');
    expect(outcome.status).toBe('ok');
    expect(outcome.text).toMatch(/^Compacted the conversation: \d+ earlier messages/);

    const summaryRequests = llm.requests
      .slice(before)
      .filter((request) => request.userText.startsWith(summaryMarker));
    // One refused request, then at least two chunks and the summary of their summaries.
    expect(summaryRequests.length).toBeGreaterThanOrEqual(4);
    const chunks = summaryRequests.slice(1);
    expect(chunks.at(-1)!.userText).toContain('Summary of part 1 of');
    for (const request of chunks) expect(request.inputTokens).toBeLessThan(window);

    const [compaction] = compactions(await harness.transcript(key));
    expect(compaction).toMatchObject({ mode: 'summary', runId, messagesCompacted: 24 });
    const handle = await turnHandle(harness, key, runId);
    expect(await scheduledActivities(handle)).toEqual(['llm.generate', 'context.compact']);

    // The next turn starts from the summary instead of the 24 messages.
    const next = await turn(harness, key, 'what did we talk about?');
    expect(next.outcome.status).toBe('ok');
    const sent = JSON.stringify(llm.requests.at(-1)!.body);
    expect(sent).toContain(compaction!.summary.split(':')[0]);
    expect(sent).not.toContain('fact 3:');
  });

  it('falls back to truncation with a marker after two failed attempts, and the session goes on', async () => {
    const key = 'agent:main:context-truncate';
    await fill(key);
    llm.scriptFor(summaryMarker, [
      { kind: 'error', status: 500, message: 'summariser down' },
      { kind: 'error', status: 500, message: 'summariser down' },
    ]);
    const { runId, outcome } = await turn(harness, key, '/compact');
    expect(outcome.status).toBe('ok');
    expect(outcome.text).toMatch(/^Summarising failed, so \d+ earlier messages were left out/);
    const [compaction] = compactions(await harness.transcript(key));
    expect(compaction).toMatchObject({ mode: 'truncation', runId });
    expect(compaction!.summary).toMatch(/earlier messages were left out/);
    const history = await (await turnHandle(harness, key, runId)).fetchHistory();
    const failed = (history.events ?? []).filter(
      (event) => event.activityTaskFailedEventAttributes,
    );
    expect(failed).toHaveLength(1); // the second attempt's failure closes the activity

    const next = await turn(harness, key, 'still there?');
    expect(next.outcome.status).toBe('ok');
    expect(JSON.stringify(llm.requests.at(-1)!.body)).toContain('Earlier conversation left out');
    expect(texts(await harness.transcript(key), 'user')).toContain(
      'fact 0: ' + 'lorem ipsum '.repeat(330),
    );
  });
});
