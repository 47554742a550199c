import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type InjectedSinks } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadWorkflowBundle } from '../cli/runtime/workflow-bundle.js';
import { createLogger } from '../core/logger.js';
import type { TurnEventSinks } from '../workflows/turn-events.js';
import type { TranscriptEntry } from '../core/sessions/index.js';
import { createTemporalAgentService, turnSettings } from '../core/agent/temporal-agent-service.js';
import { messageSignal, sessionWorkflowId } from '../workflows/definitions.js';
import {
  agentIdAttribute,
  channelAttribute,
  sessionKeyAttribute,
} from '../workflows/search-attributes.js';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { startAgentHarness, type AgentHarness } from './helpers/agent-harness.js';

let llm: FakeLlmServer;
const replayable: {
  workflowId: string;
  history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
}[] = [];

/** Keep a workflow's history (fetched now, while its client is open) for the replay test. */
async function record(handle: WorkflowHandle): Promise<void> {
  replayable.push({ workflowId: handle.workflowId, history: await handle.fetchHistory() });
}

/** The workflow execution that ran a turn (a run of its session), found by its run id. */
async function turnHandle(
  harness: AgentHarness,
  sessionKey: string,
  runId: string,
): Promise<WorkflowHandle> {
  const query = `ClawdbotRunId = '${runId}' AND ClawdbotSessionKey = '${sessionKey}'`;
  for (let attempt = 0; attempt < 50; attempt++) {
    for await (const execution of harness.client.workflow.list({ query }))
      return harness.client.workflow.getHandle(execution.workflowId, execution.runId);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no workflow execution ran ${runId}`);
}
beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
});
afterAll(async () => {
  await llm.close();
});

function shape(entries: TranscriptEntry[]): string[] {
  return entries.map((entry) => {
    if (entry.type !== 'message') return entry.type;
    const message = entry.message;
    if (message.role === 'assistant') {
      const calls = message.content
        .filter((block) => block.type === 'toolCall')
        .map((block) => (block.type === 'toolCall' ? block.name : ''));
      return calls.length > 0 ? `assistant→${calls.join(',')}` : 'assistant';
    }
    return message.role;
  });
}

for (const provider of ['anthropic', 'openai'] as const) {
  describe(`a full turn with two tool calls (${provider})`, () => {
    let harness: AgentHarness;
    beforeAll(async () => {
      harness = await startAgentHarness({
        temporalAddress: inject('temporalAddress'),
        llm,
        provider,
      });
    });
    afterAll(() => harness.close());

    it('writes a file, reads it back, answers; streams in order; transcript exact', async () => {
      const marker = `note-${provider}`;
      llm.scriptFor(marker, [
        {
          kind: 'tool_calls',
          calls: [
            {
              id: 'call_w',
              name: 'write_file',
              arguments: { path: 'notes/today.txt', content: `hello ${marker}` },
            },
          ],
        },
        {
          kind: 'tool_calls',
          calls: [{ id: 'call_r', name: 'read_file', arguments: { path: 'notes/today.txt' } }],
        },
        { kind: 'text', text: `The file says hello ${marker}, all done.`, chunks: 5 },
      ]);
      const sessionKey = `agent:main:two-tools-${provider}`;
      const runId = await harness.send(sessionKey, `please save a ${marker}`);
      const outcome = await harness.wait(runId, sessionKey);
      expect(outcome).toMatchObject({
        status: 'ok',
        text: `The file says hello ${marker}, all done.`,
      });
      expect(readFileSync(join(harness.paths.workspaceDir, 'notes/today.txt'), 'utf8')).toBe(
        `hello ${marker}`,
      );

      const parts = harness.eventsOf(runId);
      const types = parts.map((part) => part.type);
      expect(types[0]).toBe('run-start');
      expect(types.at(-1)).toBe('run-finish');
      expect(types.filter((type) => type === 'tool-start')).toHaveLength(2);
      const deltas = parts.flatMap((part) =>
        part.type === 'text-delta' && part.step === 3 ? [part] : [],
      );
      expect(deltas.length).toBe(5);
      expect(deltas.map((part) => part.delta).join('')).toBe(
        `The file says hello ${marker}, all done.`,
      );
      expect(deltas.at(-1)!.text).toBe(`The file says hello ${marker}, all done.`);

      const transcript = await harness.transcript(sessionKey);
      expect(shape(transcript)).toEqual([
        'session',
        'user',
        'assistant→write_file',
        'toolResult',
        'assistant→read_file',
        'toolResult',
        'assistant',
      ]);
      const readResult = transcript[5]!;
      expect(
        readResult.type === 'message' &&
          readResult.message.role === 'toolResult' &&
          readResult.message.content[0]!.text,
      ).toContain(`hello ${marker}`);
      await record(await turnHandle(harness, sessionKey, runId));
    });
  });
}

describe('session ordering and de-duplication', () => {
  let harness: AgentHarness;
  beforeAll(async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'openai',
    });
  });
  afterAll(() => harness.close());

  it('runs two messages sent at once one after the other', async () => {
    const sessionKey = 'agent:main:ordering';
    llm.scriptFor('first-slow', [
      { kind: 'slow', text: 'one two three four five six', chunkDelayMs: 50 },
    ]);
    const [first, second] = await Promise.all([
      harness.send(sessionKey, 'first-slow'),
      harness.send(sessionKey, 'second-quick'),
    ]);
    const [a, b] = await Promise.all([
      harness.wait(first, sessionKey),
      harness.wait(second, sessionKey),
    ]);
    expect(a.status).toBe('ok');
    expect(b).toMatchObject({ status: 'ok', text: 'echo: second-quick' });
    // Whichever signal reached Temporal first runs first; the other starts only after it ended.
    const index = (runId: string, type: string) =>
      harness.events.findIndex((event) => event.runId === runId && event.part.type === type);
    const [earlier, later] =
      index(first, 'run-start') < index(second, 'run-start') ? [first, second] : [second, first];
    expect(index(earlier, 'run-finish')).toBeGreaterThan(index(earlier, 'run-start'));
    expect(index(later, 'run-start')).toBeGreaterThan(index(earlier, 'run-finish'));
    expect(shape(await harness.transcript(sessionKey))).toEqual([
      'session',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    await record(await turnHandle(harness, sessionKey, first));
  });

  it("starts a new session's run eagerly with its first message queued; messages sent meanwhile follow in order", async () => {
    const sessionKey = 'agent:main:eager-start';
    const texts = ['eager one', 'eager two', 'eager three'];
    const runIds = await Promise.all(
      texts.map((text, index) => harness.send(sessionKey, text, `eager-${index}`)),
    );
    for (const [index, runId] of runIds.entries()) {
      expect(await harness.wait(runId, sessionKey)).toMatchObject({
        status: 'ok',
        text: `echo: ${texts[index]}`,
      });
    }
    // Turns in send order: each started after the one before it ended.
    const index = (runId: string, type: string) =>
      harness.events.findIndex((event) => event.runId === runId && event.part.type === type);
    expect(index(runIds[1]!, 'run-start')).toBeGreaterThan(index(runIds[0]!, 'run-finish'));
    expect(index(runIds[2]!, 'run-start')).toBeGreaterThan(index(runIds[1]!, 'run-finish'));
    // The first run was started with the message in its input, its first task handed to this
    // process's worker in the start's answer (no signal, no wait on the task queue).
    const first = await turnHandle(harness, sessionKey, runIds[0]!);
    const { events } = await first.fetchHistory();
    const started = events![0]!.workflowExecutionStartedEventAttributes!;
    expect(started.eagerExecutionAccepted).toBe(true);
    const input = JSON.parse(Buffer.from(started.input!.payloads![0]!.data!).toString()) as {
      pending?: { messageId: string }[];
    };
    expect(input.pending?.map((message) => message.messageId)).toEqual([runIds[0]]);

    // A gateway that has not seen the session (another process, or this one restarted) finds
    // it open: its start is refused and the message is signalled to the waiting run.
    const restarted = createTemporalAgentService({
      client: harness.client,
      config: () => harness.config,
      store: harness.store,
    });
    const { runId: later } = await restarted.send(sessionKey, {
      messageId: 'eager-later',
      text: 'eager four',
      channel: 'test',
      receivedAt: Date.now(),
    });
    expect(await harness.wait(later, sessionKey)).toMatchObject({
      status: 'ok',
      text: 'echo: eager four',
    });
    const laterRun = (await (await turnHandle(harness, sessionKey, later)).fetchHistory()).events!;
    expect(
      laterRun[0]!.workflowExecutionStartedEventAttributes!.eagerExecutionAccepted,
    ).toBeFalsy();
  });

  it('answers a client that sends the next message the instant a turn ends: one end per turn, none lost', async () => {
    // The end is announced once the run that ran the turn has continued-as-new, so an
    // instant answer reaches the next run: every message gets its turn, once, in order.
    const sessionKey = 'agent:main:back-to-back';
    const texts = Array.from({ length: 12 }, (_, index) => `quick ${index}`);
    const runIds: string[] = [];
    const ended = new Promise<void>((resolve) => {
      const unsubscribe = harness.bus.subscribe((event) => {
        if (event.part.type !== 'run-finish' || event.runId !== runIds.at(-1)) return;
        if (runIds.length === texts.length) {
          unsubscribe();
          resolve();
          return;
        }
        void harness.send(sessionKey, texts[runIds.length]!, `b2b-${runIds.length}`);
        runIds.push(`b2b-${runIds.length}`);
      });
    });
    runIds.push(await harness.send(sessionKey, texts[0]!, 'b2b-0'));
    await ended;
    for (const [index, runId] of runIds.entries()) {
      expect(await harness.wait(runId, sessionKey)).toMatchObject({
        status: 'ok',
        text: `echo: ${texts[index]}`,
      });
      // One end per turn on the bus.
      expect(harness.eventsOf(runId).filter((part) => part.type === 'run-finish')).toHaveLength(1);
    }
    const transcript = await harness.transcript(sessionKey);
    expect(shape(transcript)).toEqual(['session', ...texts.flatMap(() => ['user', 'assistant'])]);
    expect(
      transcript.flatMap((entry) =>
        entry.type === 'message' && entry.message.role === 'user'
          ? entry.message.content.flatMap((block) => (block.type === 'text' ? [block.text] : []))
          : [],
      ),
    ).toEqual(texts);
  });

  it('a session run of the type before sessionTurn runs its turn and continues as sessionTurn', async () => {
    // As a session left running by the previous version would be: started as `session`.
    const sessionKey = 'agent:main:older-type';
    const settings = turnSettings(harness.config);
    await harness.client.workflow.signalWithStart('session', {
      workflowId: sessionWorkflowId(sessionKey),
      taskQueue: harness.config.temporal.taskQueue,
      args: [{ sessionKey, settings }],
      typedSearchAttributes: [
        { key: sessionKeyAttribute, value: sessionKey },
        { key: channelAttribute, value: 'test' },
        { key: agentIdAttribute, value: settings.agentId },
      ],
      signal: messageSignal,
      signalArgs: [
        {
          message: { messageId: 'older-1', text: 'first', channel: 'test', receivedAt: Date.now() },
          settings,
        },
      ],
    });
    expect(await harness.wait('older-1', sessionKey)).toMatchObject({
      status: 'ok',
      text: 'echo: first',
    });
    const second = await harness.send(sessionKey, 'second');
    expect(await harness.wait(second, sessionKey)).toMatchObject({
      status: 'ok',
      text: 'echo: second',
    });
    const types = async (runId: string) =>
      (await turnHandle(harness, sessionKey, runId)).describe();
    expect((await types('older-1')).type).toBe('session');
    expect((await types(second)).type).toBe('sessionTurn');
    expect(shape(await harness.transcript(sessionKey))).toEqual([
      'session',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
  });

  it('runs one turn for the same message id sent three times', async () => {
    const sessionKey = 'agent:main:dedup';
    const before = llm.requests.length;
    const ids = await Promise.all(
      [1, 2, 3].map(() => harness.send(sessionKey, 'only once please', 'dup-1')),
    );
    expect(new Set(ids)).toEqual(new Set(['dup-1']));
    expect((await harness.wait('dup-1', sessionKey)).status).toBe('ok');
    await harness.send(sessionKey, 'only once please', 'dup-1'); // and again after it finished
    const after = await harness.send(sessionKey, 'a later message');
    await harness.wait(after, sessionKey);
    expect(
      llm.requests.slice(before).filter((request) => request.userText === 'only once please'),
    ).toHaveLength(1);
    expect(shape(await harness.transcript(sessionKey))).toEqual([
      'session',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    // The session workflow's own history (signals, de-duplication) must replay too: the
    // run that ignored the late duplicate and then ran the later message.
    await record(await turnHandle(harness, sessionKey, after));
  });
});

describe('LLM failures and abort', () => {
  let harness: AgentHarness;
  beforeAll(async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'anthropic',
    });
  });
  afterAll(() => harness.close());

  it('retries a 429 (honouring retry-after) and then answers, marking the restart', async () => {
    const sessionKey = 'agent:main:ratelimit';
    llm.scriptFor('rate-limited', [{ kind: 'error', status: 429, retryAfter: 1 }]);
    const runId = await harness.send(sessionKey, 'rate-limited hello');
    const outcome = await harness.wait(runId, sessionKey);
    expect(outcome).toMatchObject({ status: 'ok', text: 'echo: rate-limited hello' });
    expect(
      llm.requests.filter((request) => request.userText === 'rate-limited hello'),
    ).toHaveLength(2);
    expect(harness.eventsOf(runId).some((part) => part.type === 'stream-retry')).toBe(true);
  });

  it('fails fast with a readable error on 401', async () => {
    const sessionKey = 'agent:main:badkey';
    llm.scriptFor('bad-key', [{ kind: 'error', status: 401, message: 'invalid x-api-key' }]);
    const runId = await harness.send(sessionKey, 'bad-key please');
    const outcome = await harness.wait(runId, sessionKey);
    expect(outcome.status).toBe('error');
    expect(outcome.errorMessage).toMatch(/rejected the API key.*ANTHROPIC_API_KEY/);
    expect(llm.requests.filter((request) => request.userText === 'bad-key please')).toHaveLength(1);
    expect(shape(await harness.transcript(sessionKey))).toEqual(['session', 'user', 'error']);
  });

  it('aborts a turn mid-stream; the session moves on', async () => {
    const sessionKey = 'agent:main:abort';
    llm.scriptFor('endless', [
      {
        kind: 'slow',
        text: Array.from({ length: 200 }, (_, i) => `w${i}`).join(' '),
        chunkDelayMs: 100,
      },
    ]);
    const runId = await harness.send(sessionKey, 'endless story');
    await harness.waitForEvent(
      (event) => event.runId === runId && event.part.type === 'text-delta',
    );
    const result = await harness.agent.abort(sessionKey);
    expect(result).toEqual({ aborted: true, runIds: [runId] });
    const outcome = await harness.wait(runId, sessionKey);
    expect(outcome.status).toBe('aborted');
    expect(shape(await harness.transcript(sessionKey))).toEqual(['session', 'user', 'abort']);
    const next = await harness.send(sessionKey, 'are you there');
    const answer = await harness.wait(next, sessionKey);
    // The aborted message stays in the context (Anthropic merges the two user messages).
    expect(answer).toMatchObject({ status: 'ok', text: 'echo: endless story\nare you there' });
    expect(shape(await harness.transcript(sessionKey))).toEqual([
      'session',
      'user',
      'abort',
      'user',
      'assistant',
    ]);
    await record(await turnHandle(harness, sessionKey, runId));
  });
});

describe('queue modes', () => {
  it('collect: messages arriving within the debounce window become one turn', async () => {
    const harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'openai',
      config: { session: { queueMode: 'collect', debounceMs: 500 } },
    });
    try {
      const sessionKey = 'agent:main:collect';
      const first = await harness.send(sessionKey, 'part one');
      await harness.send(sessionKey, 'part two');
      await harness.send(sessionKey, 'part three');
      const outcome = await harness.wait(first, sessionKey);
      expect(outcome).toMatchObject({ status: 'ok' });
      expect(shape(await harness.transcript(sessionKey))).toEqual([
        'session',
        'user',
        'user',
        'user',
        'assistant',
      ]);
      expect(llm.requests.filter((request) => request.userText.includes('part'))).toHaveLength(1);
      await record(await turnHandle(harness, sessionKey, first));
    } finally {
      await harness.close();
    }
  });

  it('steer: a message sent during a turn is shown to the model before its next call', async () => {
    const harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'anthropic',
      config: { session: { queueMode: 'steer' } },
    });
    try {
      const sessionKey = 'agent:main:steer';
      llm.scriptFor('steer-start', [
        {
          kind: 'tool_calls',
          calls: [
            { id: 'call_sleep', name: 'bash', arguments: { command: 'sleep 1; echo slept' } },
          ],
        },
      ]);
      const runId = await harness.send(sessionKey, 'steer-start: do a slow thing');
      await harness.waitForEvent(
        (event) => event.runId === runId && event.part.type === 'tool-start',
      );
      const steer = await harness.send(sessionKey, 'actually, also say hi');
      const outcome = await harness.wait(runId, sessionKey);
      expect(outcome.status).toBe('ok');
      // The steering message joined this turn: it got no turn of its own, and the model saw it.
      expect(shape(await harness.transcript(sessionKey))).toEqual([
        'session',
        'user',
        'assistant→bash',
        'toolResult',
        'user',
        'assistant',
      ]);
      const secondCall = llm.requests.filter((request) =>
        request.userText.includes('actually, also say hi'),
      );
      expect(secondCall).toHaveLength(1);
      expect((await harness.wait(steer, sessionKey, 1000)).status).toBe('timeout');
      await record(await turnHandle(harness, sessionKey, runId));
    } finally {
      await harness.close();
    }
  });
});

// A replay worker calls no sinks; registering them keeps it from logging each as unknown.
const replaySinks: InjectedSinks<TurnEventSinks> = {
  turnEvents: { publish: { fn: () => undefined } },
};

type Replayable = Parameters<typeof Worker.runReplayHistories>[1];

/** Histories recorded by an earlier version, kept in test/fixtures (base64 protobuf). */
function fixtureHistories(file: string) {
  const recorded = JSON.parse(
    readFileSync(join(import.meta.dirname, 'fixtures', file), 'utf8'),
  ) as { workflowId: string; history: string }[];
  return recorded.map(({ workflowId, history }) => ({
    workflowId,
    history: temporal.api.history.v1.History.decode(Buffer.from(history, 'base64')),
  }));
}

/** Replay histories with today's workflow bundle: each result's error, in order. */
async function replayErrors(histories: Replayable): Promise<unknown[]> {
  const workflowBundle = await loadWorkflowBundle(createLogger('replay', 'warn'));
  const errors = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle, sinks: replaySinks },
    histories,
  ))
    errors.push(result.error);
  return errors;
}

describe('replay', () => {
  it('replays the recorded histories without nondeterminism', async () => {
    expect(replayable.length).toBeGreaterThanOrEqual(5);
    const errors = await replayErrors(replayable);
    expect(errors).toEqual(errors.map(() => undefined));
  });

  it('replays session runs recorded before the last LLM call finished the turn (a turn.finish local activity)', async () => {
    // Three runs of one session (a plain turn, a one-tool turn, a plain turn) recorded by
    // the version before finish-in-last-call: running sessions keep replaying after an upgrade.
    const histories = fixtureHistories('histories-before-finish-in-call.json');
    expect(histories).toHaveLength(3);
    const errors = await replayErrors(histories);
    expect(errors).toHaveLength(3);
    expect(errors).toEqual([undefined, undefined, undefined]);
  });

  it('replays session runs of the type before sessionTurn (with its patch markers), which continue as sessionTurn', async () => {
    // A plain, a one-tool and a plain turn recorded by the last version whose session runs
    // were of type `session` and asked patched() in every run: sessions running when a
    // gateway is upgraded replay them, then continue-as-new as `sessionTurn`.
    const histories = fixtureHistories('histories-before-session-turn.json');
    expect(histories).toHaveLength(3);
    expect(
      histories.map(
        (each) =>
          each.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name,
      ),
    ).toEqual(['session', 'session', 'session']);
    const errors = await replayErrors(histories);
    expect(errors).toEqual([undefined, undefined, undefined]);
  });

  it('replays histories recorded before turns ran inside the session (runs of the old version drain)', async () => {
    // A session run with agentTurn children, and the agentTurn workflows themselves (with
    // their turn.prepare local activity), recorded by the previous version of this file.
    const histories = fixtureHistories('histories-before-one-turn-per-run.json');
    expect(histories.map((each) => each.workflowId.split(':')[0])).toEqual(
      expect.arrayContaining(['session', 'turn']),
    );
    const errors = await replayErrors(histories);
    expect(errors).toHaveLength(histories.length);
    expect(errors).toEqual(errors.map(() => undefined));
  });
});
