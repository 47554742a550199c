import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { texts, waitFor } from './helpers/transcript.js';
import { startAgentHarness, type AgentHarness } from './helpers/agent-harness.js';

let llm: FakeLlmServer;
let harness: AgentHarness | undefined;
beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
});
afterAll(async () => {
  await llm.close();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('sessions tools', () => {
  it('sessions_send runs a turn in another session and returns its reply; sessions_history and sessions_list read the store', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'openai',
    });
    llm.scriptFor('ask-the-other', [
      {
        kind: 'tool_calls',
        calls: [
          {
            id: 'call_send',
            name: 'sessions_send',
            arguments: { sessionKey: 'agent:main:other', message: 'ping-other' },
          },
        ],
      },
      {
        kind: 'tool_calls',
        calls: [
          {
            id: 'call_hist',
            name: 'sessions_history',
            arguments: { sessionKey: 'agent:main:other', limit: 5 },
          },
        ],
      },
      { kind: 'tool_calls', calls: [{ id: 'call_list', name: 'sessions_list', arguments: {} }] },
      { kind: 'text', text: 'asked and read' },
    ]);
    const sessionKey = 'agent:main:asker';
    const runId = await harness.send(sessionKey, 'ask-the-other session');
    expect(await harness.wait(runId, sessionKey)).toMatchObject({
      status: 'ok',
      text: 'asked and read',
    });
    const results = texts(await harness.transcript(sessionKey), 'toolResult');
    expect(results[0]).toBe('echo: ping-other');
    expect(results[1]).toContain('user: ping-other');
    expect(results[1]).toContain('assistant: echo: ping-other');
    expect(results[2]).toContain('agent:main:other');
    expect(results[2]).toContain('agent:main:asker');
    expect(texts(await harness.transcript('agent:main:other'), 'assistant')).toEqual([
      'echo: ping-other',
    ]);
  });

  it('sessions_send refuses its own session instead of deadlocking', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'anthropic',
    });
    llm.scriptFor('self-send', [
      {
        kind: 'tool_calls',
        calls: [
          {
            id: 'call_self',
            name: 'sessions_send',
            arguments: { sessionKey: 'agent:main:selfish', message: 'hi me' },
          },
        ],
      },
      { kind: 'text', text: 'ok' },
    ]);
    const runId = await harness.send('agent:main:selfish', 'self-send test');
    expect((await harness.wait(runId, 'agent:main:selfish')).status).toBe('ok');
    expect(texts(await harness.transcript('agent:main:selfish'), 'toolResult')[0]).toContain(
      'cannot target the current session',
    );
  });
});

describe('sessions_spawn', () => {
  it('runs a sub-agent as a child workflow whose result arrives back in the parent, across a worker restart', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'openai',
      worker: 'child',
    });
    llm.scriptFor('spawn-a-helper', [
      {
        kind: 'tool_calls',
        calls: [
          {
            id: 'call_spawn',
            name: 'sessions_spawn',
            arguments: { task: 'child-job: count slowly', label: 'counter' },
          },
        ],
      },
      { kind: 'text', text: 'I started a helper.' },
    ]);
    llm.scriptFor('child-job', [
      { kind: 'slow', text: 'one two three four five six seven eight nine ten', chunkDelayMs: 300 },
    ]);
    const parentKey = 'agent:main:parent';
    const runId = await harness.send(parentKey, 'spawn-a-helper please');
    expect(await harness.wait(runId, parentKey, 60_000)).toMatchObject({
      status: 'ok',
      text: 'I started a helper.',
    });
    const spawnResult = texts(await harness.transcript(parentKey), 'toolResult')[0]!;
    const childKey = /session (agent:main:subagent:\S+)\./.exec(spawnResult)?.[1];
    expect(childKey).toBeDefined();
    const children = await harness.agent.listSubagents(parentKey);
    expect(children).toEqual([
      expect.objectContaining({ sessionKey: childKey, label: 'counter', status: 'running' }),
    ]);

    // The parent's worker dies while the sub-agent works; a new one picks everything up.
    harness.workerProcess!.child.kill('SIGKILL');
    await harness.workerProcess!.exited;
    harness.startChildWorker();

    const delivered = await waitFor(async () => {
      const users = texts(await harness!.transcript(parentKey), 'user');
      return users.find((text) => text.startsWith('[Sub-agent "counter" finished]'));
    }, 90_000);
    // Either the first attempt finished, or the retried one (the fake's default reply) did.
    expect(delivered).toMatch(
      /one two three four five six seven eight nine ten|echo: child-job: count slowly/,
    );
    // The delivery is a message: the parent agent answers it in a turn of its own.
    await waitFor(async () => {
      const replies = texts(await harness!.transcript(parentKey), 'assistant');
      return replies.length >= 2 ? replies : undefined;
    }, 60_000);
    const users = texts(await harness.transcript(parentKey), 'user');
    expect(users.filter((text) => text.startsWith('[Sub-agent'))).toHaveLength(1);
  });

  it('a sub-agent can be stopped; the parent is told', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'anthropic',
    });
    llm.scriptFor('spawn-a-sleeper', [
      {
        kind: 'tool_calls',
        calls: [
          {
            id: 'call_spawn2',
            name: 'sessions_spawn',
            arguments: { task: 'sleeper-job: take forever', label: 'sleeper' },
          },
        ],
      },
      { kind: 'text', text: 'spawned' },
    ]);
    llm.scriptFor('sleeper-job', [
      {
        kind: 'slow',
        text: Array.from({ length: 300 }, (_, i) => `z${i}`).join(' '),
        chunkDelayMs: 100,
      },
    ]);
    const parentKey = 'agent:main:stopper';
    const runId = await harness.send(parentKey, 'spawn-a-sleeper');
    await harness.wait(runId, parentKey);
    const [child] = await waitFor(async () => {
      const list = await harness!.agent.listSubagents(parentKey);
      return list.length > 0 ? list : undefined;
    });
    expect(await harness.agent.abort(child!.sessionKey)).toMatchObject({ aborted: true });
    const notice = await waitFor(async () =>
      texts(await harness!.transcript(parentKey), 'user').find((text) =>
        text.startsWith('[Sub-agent "sleeper" was stopped]'),
      ),
    );
    expect(notice).toBeDefined();
  });
});
