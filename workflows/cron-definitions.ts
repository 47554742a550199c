// What the cronJob workflow and its clients (the turn workflow, activities, the gateway's
// agent service) share: signals, query, ids and how a job is started.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { agentIdAttribute, sessionKeyAttribute } from './search-attributes.js';
import type {
  CronJobInfo,
  CronJobInput,
  CronJobSpec,
  CronJobState,
  CronSchedule,
} from './types.js';

/** Stop a cron job: it fires no more and completes (a run in flight finishes first). */
export const cronRemoveSignal = defineSignal('remove');
/** Fire a cron job now, off its schedule; the same request id twice is one run. */
export const cronRunNowSignal = defineSignal<[{ requestId: string }]>('runNow');
/** The job, its next fire time and its recent runs. */
export const cronStateQuery = defineQuery<CronJobState>('state');

/** Workflow id of a cron job. */
export function cronWorkflowId(jobId: string): string {
  return `cron:${jobId}`;
}

/** The job id in a cron job's workflow id. */
export function cronJobIdOf(workflowId: string): string {
  return workflowId.replace(/^cron:/, '');
}

/** The session an isolated job's turns run in. */
export function cronSessionKey(agentId: string, jobId: string): string {
  return `agent:${agentId}:cron:${jobId}`;
}

/** The session a job's turns run in. */
export function cronTurnSessionKey(
  input: Pick<CronJobInput, 'target' | 'settings' | 'jobId'>,
): string {
  return 'sessionKey' in input.target
    ? input.target.sessionKey
    : cronSessionKey(input.settings.agentId, input.jobId);
}

/** The memo of a cron job's workflow: what `cron.list` shows without asking the worker. */
type CronJobMemo = CronJobSpec & { jobId: string; createdAt: number };

/** Start options of a cron job's workflow, the same from the turn workflow and from the client. */
export function cronJobStartOptions(input: CronJobInput) {
  const memo = {
    jobId: input.jobId,
    ...(input.name !== undefined ? { name: input.name } : {}),
    schedule: input.schedule,
    target: input.target,
    message: input.message.slice(0, 500),
    catchUp: input.catchUp,
    createdAt: input.createdAt,
  } satisfies CronJobMemo;
  return {
    workflowId: cronWorkflowId(input.jobId),
    args: [input] as [CronJobInput],
    memo,
    typedSearchAttributes: [
      // The session its turns run in: the Temporal UI shows a session's jobs with its runs.
      { key: sessionKeyAttribute, value: cronTurnSessionKey(input) },
      { key: agentIdAttribute, value: input.settings.agentId },
    ],
  };
}

/** A listed job from its workflow's memo. */
export function cronJobInfo(
  memo: Record<string, unknown> | undefined,
  workflowId: string,
  status: string,
): CronJobInfo {
  const job = (memo ?? {}) as Partial<CronJobMemo>;
  return {
    jobId: job.jobId ?? cronJobIdOf(workflowId),
    ...(job.name !== undefined ? { name: job.name } : {}),
    schedule: job.schedule ?? { kind: 'at', at: 0 },
    target: job.target ?? { isolated: true },
    message: job.message ?? '',
    catchUp: job.catchUp ?? 'one',
    createdAt: job.createdAt ?? 0,
    status,
  };
}

function duration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

/** A schedule in words, for the model and for lists. */
export function describeSchedule(schedule: CronSchedule): string {
  switch (schedule.kind) {
    case 'cron':
      return `cron "${schedule.expr}" (${schedule.tz ?? 'UTC'})`;
    case 'every':
      return `every ${duration(schedule.everyMs)}`;
    case 'at':
      return `once at ${new Date(schedule.at).toISOString()}`;
  }
}
