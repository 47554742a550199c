import {
  ActivityFailure,
  ChildWorkflowFailure,
  allHandlersFinished,
  condition,
  executeChild,
  makeContinueAsNewFunc,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { agentTurn } from './agent-turn.js';
import {
  cronRemoveSignal,
  cronRunNowSignal,
  cronStateQuery,
  cronTurnSessionKey,
} from './cron-definitions.js';
import { turnWorkflowId } from './definitions.js';
import {
  agentIdAttribute,
  channelAttribute,
  runIdAttribute,
  sessionKeyAttribute,
} from './search-attributes.js';
import type {
  CronFireResult,
  CronJobInput,
  CronJobState,
  CronNextFireResult,
  CronRun,
  CronSchedule,
} from './types.js';

/** Runs kept in the job's state (and carried over continue-as-new). */
const runsKept = 50;
/** Fires per workflow run before continue-as-new, to bound the history. */
const firesPerRun = 50;
/** A fire woken later than this, or after a later fire time passed, was missed: catch-up policy applies. */
const maxLateMs = 60_000;
/** How long a fire waits for its turn. */
const fireTimeoutMs = 10 * 60_000;
const textCap = 500;

const schedules = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', maximumAttempts: 5 },
});
const turns = proxyActivities<Activities>({
  startToCloseTimeout: fireTimeoutMs + 60_000,
  // The fire waits on a turn for minutes; heartbeats show within seconds that its worker died.
  heartbeatTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5 },
});
const deliveries = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

function failureText(error: unknown): string {
  if ((error instanceof ActivityFailure || error instanceof ChildWorkflowFailure) && error.cause)
    return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Fire times from `scheduledAt` (due, not yet served) up to `now`: how many more passed and
 * the next one after now. Interval and one-shot schedules are arithmetic; cron expressions
 * need a parser and time-zone data, so a local activity answers and history records it.
 */
async function fireTimes(
  schedule: CronSchedule,
  scheduledAt: number,
  now: number,
): Promise<CronNextFireResult> {
  switch (schedule.kind) {
    case 'at':
      return { next: undefined, passed: 0, lastDue: scheduledAt };
    case 'every': {
      const passed = Math.max(0, Math.floor((now - scheduledAt) / schedule.everyMs));
      return {
        next: scheduledAt + (passed + 1) * schedule.everyMs,
        passed,
        lastDue: scheduledAt + passed * schedule.everyMs,
      };
    }
    case 'cron':
      return schedules['cron.nextFire']({
        expr: schedule.expr,
        ...(schedule.tz !== undefined ? { tz: schedule.tz } : {}),
        after: scheduledAt,
        now,
      });
  }
}

/** The first fire time of a new job: an interval counts from the job's creation. */
async function firstFireAt(schedule: CronSchedule, createdAt: number): Promise<number | undefined> {
  switch (schedule.kind) {
    case 'at':
      return schedule.at;
    case 'every':
      return createdAt + schedule.everyMs;
    case 'cron':
      return (await fireTimes(schedule, createdAt, createdAt)).next;
  }
}

/**
 * A cron job: sleeps (a durable timer) until its next fire time, then runs a turn with its
 * message in its target session and records the run. Fire times that pass while no worker
 * runs it are caught up by its policy on restart and recorded either way. Signals remove it
 * or fire it now; continues-as-new every 50 fires, carrying its recent runs.
 */
export async function cronJob(input: CronJobInput): Promise<CronJobState> {
  const { jobId, schedule, target } = input;
  const sessionKey = cronTurnSessionKey(input);
  const runs: CronRun[] = [...(input.runs ?? [])];
  const pending = [...(input.pendingRequests ?? [])];
  const served = [...(input.servedRequests ?? [])];
  let removed = false;
  let fires = input.fires ?? 0;
  let firesThisRun = 0;
  let running: CronJobState['running'];
  let nextFireAt = input.nextFireAt;

  setHandler(cronRemoveSignal, () => void (removed = true));
  setHandler(cronRunNowSignal, ({ requestId }) => {
    if (!pending.includes(requestId) && !served.includes(requestId)) pending.push(requestId);
  });
  const { name, message, catchUp, createdAt } = input;
  const state = (): CronJobState => ({
    jobId,
    ...(name !== undefined ? { name } : {}),
    schedule,
    target,
    message,
    catchUp,
    createdAt,
    nextFireAt,
    running,
    fires,
    removed,
    runs,
  });
  setHandler(cronStateQuery, state);

  const record = (run: CronRun) => {
    runs.push(run);
    if (runs.length > runsKept) runs.splice(0, runs.length - runsKept);
  };

  const runTurn = async (runId: string): Promise<CronFireResult> => {
    const label = name ? `"${name}"` : jobId;
    const text = `[cron job ${label}] ${message}`;
    if ('sessionKey' in target) {
      // The session's own workflow runs it, in order with the user's messages.
      return turns['cron.fire']({ sessionKey, runId, text, timeoutMs: fireTimeoutMs }).catch(
        (error: unknown) => ({
          status: 'error' as const,
          text: '',
          errorMessage: failureText(error),
        }),
      );
    }
    // An isolated session is this job's alone and fires one at a time: the turn runs as a child.
    let result: CronFireResult;
    try {
      result = await executeChild<typeof agentTurn>('agentTurn', {
        workflowId: turnWorkflowId(sessionKey, runId),
        args: [
          {
            sessionKey,
            runId,
            settings: input.settings,
            messages: [{ messageId: runId, text, channel: 'cron', receivedAt: Date.now() }],
          },
        ],
        typedSearchAttributes: [
          { key: sessionKeyAttribute, value: sessionKey },
          { key: channelAttribute, value: 'cron' },
          { key: agentIdAttribute, value: input.settings.agentId },
          { key: runIdAttribute, value: runId },
        ],
      });
    } catch (error) {
      result = { status: 'error', text: '', errorMessage: failureText(error) };
    }
    if (target.deliverTo !== undefined) {
      const outcome =
        result.status === 'ok'
          ? `ran]\n\n${result.text}`
          : `failed: ${result.errorMessage ?? result.status}]`;
      await deliveries['sessions.deliver']({
        sessionKey: target.deliverTo,
        messageId: `${runId}:result`,
        text: `[Cron job ${label} ${outcome}`,
        channel: 'cron',
      });
    }
    return result;
  };

  const fire = async (
    run: Pick<
      CronRun,
      'trigger' | 'scheduledAt' | 'firedAt' | 'lagMs' | 'missed' | 'lastScheduledAt'
    >,
  ) => {
    const runId =
      run.trigger === 'manual'
        ? `cron:${jobId}:manual:${run.firedAt}`
        : `cron:${jobId}:${run.scheduledAt}`;
    running = { runId, scheduledAt: run.scheduledAt, startedAt: run.firedAt };
    const result = await runTurn(runId);
    running = undefined;
    fires++;
    firesThisRun++;
    record({
      ...run,
      status: result.status,
      runId,
      sessionKey,
      finishedAt: Date.now(),
      ...(result.text ? { text: result.text.slice(0, textCap) } : {}),
      ...(result.errorMessage !== undefined
        ? { errorMessage: result.errorMessage.slice(0, textCap) }
        : {}),
    });
  };

  if (input.fires === undefined) nextFireAt = await firstFireAt(schedule, createdAt);

  while (!removed) {
    if (pending.length === 0) {
      if (nextFireAt === undefined) break; // a one-shot job that has fired, or an expression that never fires again
      const wait = nextFireAt - Date.now();
      if (wait > 0) await condition(() => removed || pending.length > 0, wait);
      if (removed) break;
    }
    const now = Date.now();
    const requestId = pending.shift();
    if (requestId !== undefined) {
      served.push(requestId);
      if (served.length > 100) served.splice(0, served.length - 100);
      await fire({ trigger: 'manual', scheduledAt: now, firedAt: now, lagMs: 0 });
    } else if (nextFireAt !== undefined && now >= nextFireAt) {
      const scheduledAt = nextFireAt;
      const due = await fireTimes(schedule, scheduledAt, now);
      nextFireAt = due.next;
      // Every fire time from scheduledAt to lastDue is served by this one wake.
      const missed = due.passed + 1;
      const span = missed > 1 ? { lastScheduledAt: due.lastDue } : {};
      const lagMs = now - due.lastDue;
      if (due.passed === 0 && now - scheduledAt <= maxLateMs) {
        await fire({ trigger: 'schedule', scheduledAt, firedAt: now, lagMs });
      } else if (catchUp === 'one') {
        // Missed while no worker ran it (or while a long run went on): once now for all of them.
        await fire({ trigger: 'catch-up', scheduledAt, firedAt: now, lagMs, missed, ...span });
      } else {
        record({
          trigger: 'schedule',
          status: 'skipped',
          scheduledAt,
          firedAt: now,
          lagMs,
          missed,
          ...span,
        });
      }
    }
    if (firesThisRun >= firesPerRun || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      // Memo and search attributes say what the job is: the next run keeps them (ours only;
      // the server sets its own, such as BuildIds).
      const { memo, typedSearchAttributes } = workflowInfo();
      const next = makeContinueAsNewFunc<typeof cronJob>({
        memo: memo ?? {},
        typedSearchAttributes: typedSearchAttributes
          .getAll()
          .filter((pair) => pair.key.name.startsWith('Clawdbot')),
      });
      await next({
        ...input,
        nextFireAt,
        fires,
        runs,
        pendingRequests: pending,
        servedRequests: served,
      });
    }
  }
  await condition(allHandlersFinished);
  return state();
}
