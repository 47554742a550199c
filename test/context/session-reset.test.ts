import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FileSessionStore, TranscriptEntry } from '../../core/sessions/index.js';
import { lastDailyReset } from '../../activities/session-reset.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startAgentHarness, type AgentHarness } from '../helpers/agent-harness.js';
import { cleanEnv, spawnClawdbot } from '../helpers/cli-process.js';
import { texts } from '../helpers/transcript.js';
import { turn } from './helpers.js';

let llm: FakeLlmServer;
let harness: AgentHarness;
const atHour = 4;

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  harness = await startAgentHarness({
    temporalAddress: inject('temporalAddress'),
    llm,
    provider: 'anthropic',
    // Off by default; the test channel's override is what applies.
    config: {
      session: { reset: { mode: 'off' }, resetByChannel: { test: { mode: 'daily', atHour } } },
    },
  });
});
afterAll(async () => {
  await harness.close();
  await llm.close();
});

/** Pretend the session was last active at `at` (as if the clock had moved on since). */
function lastActive(key: string, at: number): void {
  const path = (harness.store as FileSessionStore).index.pathOf(key);
  const record = JSON.parse(readFileSync(path, 'utf8')) as { updatedAt: number };
  writeFileSync(path, JSON.stringify({ ...record, updatedAt: at }));
}

async function transcriptOf(sessionId: string): Promise<TranscriptEntry[]> {
  const entries: TranscriptEntry[] = [];
  for await (const entry of harness.store.entries(sessionId)) entries.push(entry);
  return entries;
}

describe('session reset', () => {
  it('starts a new session at the daily reset hour and keeps the old transcript', async () => {
    const key = 'agent:main:context-daily';
    expect((await turn(harness, key, 'first day')).outcome.status).toBe('ok');
    const first = (await harness.store.get(key))!.sessionId;
    // Active just after the last reset: the same session goes on.
    lastActive(key, lastDailyReset(Date.now(), atHour) + 1);
    expect((await turn(harness, key, 'same day')).outcome.status).toBe('ok');
    expect((await harness.store.get(key))!.sessionId).toBe(first);
    // Last active just before it: the next message starts a new session.
    lastActive(key, lastDailyReset(Date.now(), atHour) - 1);
    const next = await turn(harness, key, 'next day');
    expect(next.outcome.text).toBe('echo: next day');
    const second = (await harness.store.get(key))!.sessionId;
    expect(second).not.toBe(first);
    expect(texts(await transcriptOf(first), 'user')).toEqual(['first day', 'same day']);
    expect(texts(await transcriptOf(second), 'user')).toEqual(['next day']);
    // The new session's request does not carry the old conversation.
    expect(JSON.stringify(llm.requests.at(-1)!.body)).not.toContain('first day');
  });

  it('/new starts a new session from any channel without asking the model', async () => {
    const key = 'agent:main:context-new';
    await turn(harness, key, 'remember the blue door');
    const first = (await harness.store.get(key))!.sessionId;
    const calls = llm.requests.length;
    const { outcome } = await turn(harness, key, '/new');
    expect(outcome.status).toBe('ok');
    expect(outcome.text).toMatch(/^Started a new session/);
    expect(llm.requests.length).toBe(calls);
    const second = (await harness.store.get(key))!.sessionId;
    expect(second).not.toBe(first);
    expect(texts(await transcriptOf(first), 'user')).toEqual(['remember the blue door']);

    const { outcome: after } = await turn(harness, key, '/reset what now?');
    expect(after.text).toBe('echo: /reset what now?');
    expect((await harness.store.get(key))!.sessionId).not.toBe(second);
  });

  it('records input, output and cache tokens of the latest turn in the session index', async () => {
    const key = 'agent:main:context-tokens';
    await turn(harness, key, 'count me');
    const entry = (await harness.store.list()).find((candidate) => candidate.sessionKey === key);
    expect(typeof entry?.cacheReadTokens).toBe('number');
    expect(typeof entry?.cacheWriteTokens).toBe('number');
    expect(entry!.inputTokens).toBeGreaterThan(0);
    expect(entry!.outputTokens).toBeGreaterThan(0);

    // `clawdbot sessions` shows the same counts.
    const cli = spawnClawdbot(
      ['sessions', '--state-dir', harness.paths.stateDir, '--json'],
      cleanEnv(),
    );
    expect((await cli.exited).code).toBe(0);
    const listed = JSON.parse(cli.output()) as { sessions: { sessionKey: string }[] };
    expect(listed.sessions.find((session) => session.sessionKey === key)).toEqual(entry);
  });
});
