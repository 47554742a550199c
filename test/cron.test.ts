import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadWorkflowBundle } from '../cli/runtime/workflow-bundle.js';
import { createLogger } from '../core/logger.js';
import { cronListResult, cronRunsResult, cronJobRow } from '../gateway/methods/cron-protocol.js';
import { TestClient } from '../gateway/ws/test-harness.js';
import type { cronJob } from '../workflows/cron-job.js';
import type { CronJobInput, CronRun, TurnSettings } from '../workflows/types.js';
import { cronJobStartOptions } from '../workflows/cron-definitions.js';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { texts, waitFor } from './helpers/transcript.js';
import {
  startAgentHarness,
  startGatewayHarness,
  type AgentHarness,
  type GatewayHarness,
} from './helpers/agent-harness.js';

let llm: FakeLlmServer;
let harness: AgentHarness | undefined;
let gateway: GatewayHarness | undefined;
let client: TestClient | undefined;
const replayable: {
  workflowId: string;
  history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
}[] = [];

/** The running cron jobs of this harness's installation, as cron.list answers them. */
async function ownJobIds(h: AgentHarness): Promise<string[]> {
  return (await h.agent.cron.list()).map((job) => job.jobId);
}

/** Keep a finished job's history (fetched while its client is open) for the replay test. */
async function record(handle: WorkflowHandle): Promise<void> {
  await handle.result();
  replayable.push({ workflowId: handle.workflowId, history: await handle.fetchHistory() });
}

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
});
afterAll(async () => {
  await llm.close();
});
afterEach(async () => {
  // Jobs outlive everything by design: stop them so they do not fire into later tests.
  // Only this file's: cron.list answers this installation's task queue, and other files share
  // the Temporal server.
  const own = harness ?? gateway?.harness;
  for (const jobId of own ? await ownJobIds(own) : []) await own?.agent.cron.remove(jobId);
  client?.close();
  await harness?.close();
  await gateway?.close();
  harness = undefined;
  gateway = undefined;
  client = undefined;
});

/** The job's runs once `enough` says so. */
async function runsOf(
  h: AgentHarness,
  jobId: string,
  enough: (runs: CronRun[]) => boolean,
  timeoutMs = 60_000,
): Promise<CronRun[]> {
  return waitFor(async () => {
    const state = await h.agent.cron.state(jobId).catch(() => undefined);
    return state && enough(state.runs) ? state.runs : undefined;
  }, timeoutMs);
}

async function killAndRestartWorker(h: AgentHarness, downMs: number): Promise<number> {
  h.workerProcess!.child.kill('SIGKILL');
  await h.workerProcess!.exited;
  await sleep(downMs);
  h.startChildWorker();
  return Date.now();
}

describe('cron tool', () => {
  it('a job added by the model fires every 2 s in its session, keeps firing across a worker SIGKILL, and stops when removed', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'openai',
      worker: 'child',
    });
    const h = harness;
    llm.scriptFor('schedule-a-ticker', [
      {
        kind: 'tool_calls',
        calls: [
          {
            id: 'call_add',
            name: 'cron',
            arguments: {
              request: {
                action: 'add',
                name: 'ticker',
                schedule: { kind: 'every', everyMs: 2000 },
                message: 'tick-job: say tick',
              },
            },
          },
        ],
      },
      { kind: 'text', text: 'scheduled' },
    ]);
    const sessionKey = 'agent:main:cron-owner';
    const runId = await h.send(sessionKey, 'schedule-a-ticker please');
    expect(await h.wait(runId, sessionKey)).toMatchObject({ status: 'ok', text: 'scheduled' });
    const added = texts(await h.transcript(sessionKey), 'toolResult')[0]!;
    const jobId = /^Added cron job (\S+) "ticker": every 2 s/.exec(added)?.[1];
    expect(jobId, added).toBeDefined();
    expect(await h.agent.cron.list()).toEqual([
      expect.objectContaining({ jobId, name: 'ticker', target: { sessionKey } }),
    ]);

    // Each fire is a turn in the session that added the job (the fake LLM echoes the message).
    const ticks = async () =>
      texts(await h.transcript(sessionKey), 'assistant').filter((text) =>
        text.includes('tick-job: say tick'),
      ).length;
    await waitFor(async () => ((await ticks()) >= 2 ? true : undefined));

    await killAndRestartWorker(h, 0);
    const beforeRestart = await ticks();
    await waitFor(async () => ((await ticks()) >= beforeRestart + 2 ? true : undefined), 90_000);
    // A fire is recorded once its turn has ended, a moment after its reply reached the
    // transcript (on a busy machine, after the turn asked about below may have started).
    const okRuns = async () =>
      (await h.agent.cron.state(jobId!))?.runs.filter((run) => run.status === 'ok').length ?? 0;
    await waitFor(async () => ((await okRuns()) >= 4 ? true : undefined), 90_000);

    llm.scriptFor('manage-the-ticker', [
      {
        kind: 'tool_calls',
        calls: [
          {
            id: 'call_runs',
            name: 'cron',
            arguments: { request: { action: 'runs', jobId, limit: 20 } },
          },
        ],
      },
      {
        kind: 'tool_calls',
        calls: [
          { id: 'call_remove', name: 'cron', arguments: { request: { action: 'remove', jobId } } },
        ],
      },
      { kind: 'text', text: 'removed it' },
    ]);
    const manage = await h.send(sessionKey, 'manage-the-ticker now');
    expect(await h.wait(manage, sessionKey)).toMatchObject({ status: 'ok', text: 'removed it' });
    const [runsText, removeText] = texts(await h.transcript(sessionKey), 'toolResult').slice(-2);
    expect(runsText).toContain(`Cron job ${jobId} "ticker": every 2 s, in session ${sessionKey}`);
    expect(runsText!.match(/: ok — /g)!.length, runsText).toBeGreaterThanOrEqual(4);
    expect(removeText).toBe(`Removed cron job ${jobId}; it will not fire again.`);

    // The job's workflow ends (after a fire in flight, if any) and nothing fires after it.
    const final = await h.client.workflow.getHandle<typeof cronJob>(`cron:${jobId}`).result();
    expect(final).toMatchObject({ removed: true });
    expect(final.runs.filter((run) => run.status === 'ok').length).toBeGreaterThanOrEqual(4);
    const settled = await ticks();
    await sleep(5000);
    expect(await ticks()).toBe(settled);
    expect(await ownJobIds(h)).toEqual([]);
    await record(h.client.workflow.getHandle(`cron:${jobId}`));
  }, 180_000);

  it('a one-shot job fires exactly once, in a session of its own, and reports back', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'anthropic',
    });
    const h = harness;
    llm.scriptFor('remind-me-once', [
      {
        kind: 'tool_calls',
        calls: [
          {
            id: 'call_once',
            name: 'cron',
            arguments: {
              request: {
                action: 'add',
                name: 'once',
                schedule: { kind: 'at', inMs: 1000 },
                message: 'once-job: check the oven',
                session: 'isolated',
              },
            },
          },
        ],
      },
      { kind: 'text', text: 'will do' },
    ]);
    const sessionKey = 'agent:main:oven';
    const runId = await h.send(sessionKey, 'remind-me-once');
    await h.wait(runId, sessionKey);
    const jobId = /^Added cron job (\S+) "once": once at /.exec(
      texts(await h.transcript(sessionKey), 'toolResult')[0]!,
    )?.[1];
    expect(jobId).toBeDefined();

    const final = await h.client.workflow.getHandle<typeof cronJob>(`cron:${jobId}`).result();
    expect(final.runs).toEqual([
      expect.objectContaining({
        trigger: 'schedule',
        status: 'ok',
        text: expect.stringContaining('once-job: check the oven') as unknown,
      }),
    ]);
    const report = await waitFor(async () =>
      texts(await h.transcript(sessionKey), 'user').find((text) =>
        text.startsWith('[Cron job "once" ran]'),
      ),
    );
    expect(report).toContain('once-job: check the oven');
    await sleep(3000);
    expect(texts(await h.transcript(`agent:main:cron:${jobId}`), 'user')).toHaveLength(1);
    expect(
      texts(await h.transcript(sessionKey), 'user').filter((text) => text.startsWith('[Cron job')),
    ).toHaveLength(1);
    await record(h.client.workflow.getHandle(`cron:${jobId}`));
  }, 60_000);
});

describe('cron catch-up', () => {
  it('fire times missed while the worker was down run once with "one" and none with "none", and are recorded', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'openai',
      worker: 'child',
    });
    const h = harness;
    const spec = {
      schedule: { kind: 'every' as const, everyMs: 2000 },
      target: { isolated: true as const },
    };
    const one = await h.agent.cron.add({
      ...spec,
      name: 'one',
      message: 'catch-one',
      catchUp: 'one',
    });
    const none = await h.agent.cron.add({
      ...spec,
      name: 'none',
      message: 'catch-none',
      catchUp: 'none',
    });
    await runsOf(h, one.jobId, (runs) => runs.length >= 1);
    await runsOf(h, none.jobId, (runs) => runs.length >= 1);

    const restartedAt = await killAndRestartWorker(h, 7000);
    const after = (runs: CronRun[]) => runs.filter((run) => run.firedAt >= restartedAt - 1000);
    // Three or more fire times passed while nothing ran; the first entry after the restart covers them all.
    const oneRuns = after(await runsOf(h, one.jobId, (runs) => after(runs).length >= 2, 90_000));
    expect(oneRuns[0]).toMatchObject({
      trigger: 'catch-up',
      status: 'ok',
      missed: expect.any(Number) as unknown,
    });
    expect(oneRuns[0]!.missed).toBeGreaterThanOrEqual(3);
    // Later fires run again. On a loaded machine a turn can outlast the 2 s period, and the
    // fire time it overran then counts as missed too, so the next entry's trigger may vary.
    expect(oneRuns[1]).toMatchObject({ status: 'ok' });

    const noneRuns = after(
      await runsOf(h, none.jobId, (runs) => after(runs).some((run) => run.status === 'ok'), 90_000),
    );
    expect(noneRuns[0]).toMatchObject({ trigger: 'schedule', status: 'skipped' });
    expect(noneRuns[0]!.missed).toBeGreaterThanOrEqual(3);
    expect(noneRuns.find((run) => run.status === 'ok')).toMatchObject({ trigger: 'schedule' });
    expect(noneRuns.some((run) => run.trigger === 'catch-up')).toBe(false);
    // The skipped fire times never became turns.
    const noneTurns = texts(await h.transcript(`agent:main:cron:${none.jobId}`), 'user').length;
    const noneState = await h.agent.cron.state(none.jobId);
    expect(noneTurns).toBeGreaterThanOrEqual(noneState!.fires - 1);
    expect(noneTurns).toBeLessThanOrEqual(noneState!.fires + 1);
    for (const job of [one, none]) {
      await h.agent.cron.remove(job.jobId);
      await record(h.client.workflow.getHandle(`cron:${job.jobId}`));
    }
  }, 180_000);
});

describe('cron gateway methods', () => {
  it('cron.add, cron.list, cron.run, cron.runs and cron.remove over the WebSocket', async () => {
    gateway = await startGatewayHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'openai',
    });
    client = (await TestClient.connected(gateway.url.replace(/^http/, 'ws'))).client;
    const c = client;

    const at = new Date(Date.now() + 1500).toISOString();
    const once = await c.request('cron.add', {
      name: 'gw-once',
      schedule: { kind: 'at', at },
      sessionTarget: 'isolated',
      payload: { kind: 'agentTurn', message: 'gw-once-job' },
    });
    const onceRow = cronJobRow.parse(once.payload);
    expect(onceRow).toMatchObject({
      name: 'gw-once',
      schedule: { kind: 'at', at },
      sessionTarget: 'isolated',
    });
    const listed = cronListResult.parse((await c.request('cron.list', {})).payload);
    expect(listed.jobs.map((job) => job.id)).toContain(onceRow.id);
    const onceRuns = await waitFor(async () => {
      const runs = cronRunsResult.parse((await c.request('cron.runs', { id: onceRow.id })).payload);
      return runs.entries.length > 0 && runs.removed === false && runs.nextRunAtMs === undefined
        ? runs
        : undefined;
    });
    expect(onceRuns.entries).toEqual([
      expect.objectContaining({
        jobId: onceRow.id,
        status: 'ok',
        trigger: 'schedule',
        summary: expect.stringContaining('gw-once-job') as unknown,
      }),
    ]);
    await waitFor(async () => {
      const jobs = cronListResult.parse((await c.request('cron.list', {})).payload).jobs;
      return jobs.some((job) => job.id === onceRow.id) ? undefined : true;
    });

    const hourly = cronJobRow.parse(
      (
        await c.request('cron.add', {
          name: 'gw-hourly',
          schedule: { kind: 'every', everyMs: 3_600_000 },
          sessionKey: 'gw-cron',
          payload: { kind: 'systemEvent', text: 'gw-hourly-job' },
        })
      ).payload,
    );
    expect(hourly).toMatchObject({
      sessionTarget: 'main',
      sessionKey: 'agent:main:gw-cron',
      payload: { message: 'gw-hourly-job' },
    });
    // The same idempotency key twice is one run.
    expect(
      (await c.request('cron.run', { jobId: hourly.id, idempotencyKey: 'run-1' })).payload,
    ).toEqual({ ok: true, ran: true });
    expect(
      (await c.request('cron.run', { jobId: hourly.id, idempotencyKey: 'run-1' })).payload,
    ).toEqual({ ok: true, ran: true });
    await waitFor(async () =>
      cronRunsResult.parse((await c.request('cron.runs', { jobId: hourly.id })).payload).entries
        .length > 0
        ? true
        : undefined,
    );
    await sleep(1500);
    const manual = cronRunsResult.parse(
      (await c.request('cron.runs', { jobId: hourly.id })).payload,
    );
    expect(manual.entries).toEqual([
      expect.objectContaining({
        status: 'ok',
        trigger: 'manual',
        sessionKey: 'agent:main:gw-cron',
      }),
    ]);
    expect(manual.nextRunAtMs).toBeGreaterThan(Date.now() + 3_000_000);

    expect((await c.request('cron.remove', { id: hourly.id })).payload).toEqual({
      ok: true,
      removed: true,
    });
    await record(gateway.harness.client.workflow.getHandle(`cron:${hourly.id}`));
    await record(gateway.harness.client.workflow.getHandle(`cron:${onceRow.id}`));
    expect((await c.request('cron.remove', { id: hourly.id })).payload).toEqual({
      ok: true,
      removed: false,
    });
    expect((await c.request('cron.run', { id: hourly.id })).payload).toEqual({
      ok: true,
      ran: false,
    });

    // A cron expression (with seconds) in a time zone: its fire times come from a local activity.
    const everyTwo = cronJobRow.parse(
      (
        await c.request('cron.add', {
          name: 'gw-cron-expr',
          schedule: { kind: 'cron', expr: '*/2 * * * * *', tz: 'Europe/Berlin' },
          sessionTarget: 'isolated',
          payload: { kind: 'agentTurn', message: 'gw-expr-job' },
        })
      ).payload,
    );
    expect(everyTwo.schedule).toEqual({ kind: 'cron', expr: '*/2 * * * * *', tz: 'Europe/Berlin' });
    const exprRuns = await waitFor(async () => {
      const runs = cronRunsResult.parse(
        (await c.request('cron.runs', { id: everyTwo.id })).payload,
      );
      return runs.entries.length >= 2 ? runs : undefined;
    });
    for (const entry of exprRuns.entries) {
      expect(entry).toMatchObject({ status: 'ok', trigger: 'schedule' });
      expect(Number(entry.scheduledAtMs) % 2000).toBe(0);
    }
    expect(exprRuns.nextRunAtMs! % 2000).toBe(0);
    await c.request('cron.remove', { id: everyTwo.id });
    await record(gateway.harness.client.workflow.getHandle(`cron:${everyTwo.id}`));

    const badExpr = await c.request('cron.add', {
      schedule: { kind: 'cron', expr: '61 * * * *', tz: 'UTC' },
      payload: { kind: 'agentTurn', message: 'x' },
    });
    expect(badExpr.error).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(JSON.stringify(badExpr.error)).toContain('Invalid cron expression');
    const unknown = await c.request('cron.runs', { id: 'no-such-job' });
    expect(unknown.error).toMatchObject({ code: 'NOT_FOUND' });
  }, 90_000);
});

describe('cron.list scope', () => {
  it("lists this installation's jobs, not another's on the same Temporal namespace", async () => {
    gateway = await startGatewayHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'openai',
    });
    client = (await TestClient.connected(gateway.url.replace(/^http/, 'ws'))).client;
    const ours = cronJobRow.parse(
      (
        await client.request('cron.add', {
          name: 'ours',
          schedule: { kind: 'every', everyMs: 3_600_000 },
          payload: { kind: 'agentTurn', message: 'ours' },
        })
      ).payload,
    );
    // Another installation's job: its own task queue (no worker of ours serves it).
    const theirs = await gateway.harness.client.workflow.start('cronJob', {
      ...cronJobStartOptions({
        jobId: randomUUID(),
        schedule: { kind: 'every', everyMs: 3_600_000 },
        target: { isolated: true },
        message: 'theirs',
        catchUp: 'one',
        // The same agent id as ours: only the task queue tells the two installations apart.
        settings: { agentId: 'main' } as TurnSettings,
        createdAt: Date.now(),
      } satisfies CronJobInput),
      taskQueue: `other-installation-${randomUUID()}`,
    });
    try {
      // Visibility is eventually consistent: wait until it shows both, then ask cron.list.
      await waitFor(async () => {
        const seen = [];
        for await (const execution of gateway!.harness.client.workflow.list({
          query: `WorkflowId IN ('${theirs.workflowId}', 'cron:${ours.id}')`,
        }))
          seen.push(execution.workflowId);
        return seen.length === 2 ? true : undefined;
      });
      const jobs = cronListResult.parse((await client.request('cron.list', {})).payload).jobs;
      expect(jobs.map((job) => job.id)).toContain(ours.id);
      expect(jobs.map((job) => job.id)).not.toContain(theirs.workflowId.replace(/^cron:/, ''));
    } finally {
      await theirs.terminate('test over');
    }
  }, 90_000);
});

describe('replay', () => {
  it('replays the recorded cron job histories without nondeterminism', async () => {
    expect(replayable.length).toBeGreaterThanOrEqual(6);
    const workflowBundle = await loadWorkflowBundle(createLogger('replay', 'warn'));
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle }, replayable)) {
      results.push(result);
    }
    expect(results.map((result) => result.error)).toEqual(results.map(() => undefined));
  });
});
