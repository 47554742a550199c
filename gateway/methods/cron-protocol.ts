/**
 * Params and results of the cron.* methods, with OpenClaw's field names (`id` or `jobId`,
 * `sessionTarget`, `payload`, `runAtMs`...). Schedules are validated by the same schema as
 * the cron tool's. They live beside the methods until core/protocol takes them in.
 */
import { z } from 'zod';
import { cronScheduleSchema } from '../../core/agent/cron-schedule.js';
import { ClawdbotError } from '../../core/errors.js';
import { sessionKeyParam } from '../../core/protocol/index.js';
import type { CronJobInfo, CronRun, CronSchedule } from '../../workflows/types.js';

const nonEmpty = z.string().min(1);
const loose = z.looseObject;

/** `cron.list`: the running jobs. */
export const cronListParams = z.object({
  agentId: nonEmpty.optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});

/** `cron.add`: start a job; `sessionTarget` "main" runs it in `sessionKey` (default main), "isolated" in its own session. */
export const cronAddParams = z.object({
  name: nonEmpty.max(200).optional(),
  schedule: cronScheduleSchema,
  sessionTarget: z.enum(['main', 'isolated']).optional(),
  /** "main": the session the turns run in; "isolated": where results are delivered (none when omitted). */
  sessionKey: sessionKeyParam.optional(),
  payload: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('agentTurn'), message: nonEmpty.max(20_000) }),
    z.object({ kind: z.literal('systemEvent'), text: nonEmpty.max(20_000) }),
  ]),
  catchUp: z.enum(['one', 'none']).optional(),
});

const jobRef = { id: nonEmpty.optional(), jobId: nonEmpty.optional() };
const hasJob = (params: { id?: string | undefined; jobId?: string | undefined }) =>
  (params.id ?? params.jobId) !== undefined;
const jobRequired = { message: 'id or jobId is required', path: ['id'] };

/** `cron.remove`: stop a job. */
export const cronRemoveParams = z.object(jobRef).refine(hasJob, jobRequired);
/** `cron.run`: fire a job now (`mode` is accepted for OpenClaw clients; every run is forced). */
export const cronRunParams = z
  .object({
    ...jobRef,
    mode: z.enum(['due', 'force']).optional(),
    idempotencyKey: nonEmpty.max(256).optional(),
  })
  .refine(hasJob, jobRequired);
/** `cron.runs`: a job's recent runs, newest first. */
export const cronRunsParams = z
  .object({ ...jobRef, limit: z.number().int().min(1).max(50).optional() })
  .refine(hasJob, jobRequired);

/** A schedule on the wire: `at` as an ISO time. */
const scheduleResult = loose({ kind: z.enum(['cron', 'every', 'at']) });
/** One job as `cron.list` and `cron.add` answer. */
export const cronJobRow = loose({
  id: nonEmpty,
  enabled: z.boolean(),
  createdAtMs: z.number(),
  schedule: scheduleResult,
  sessionTarget: z.enum(['main', 'isolated']),
  payload: loose({ kind: z.literal('agentTurn'), message: z.string() }),
});
/** Result of `cron.list`. */
export const cronListResult = loose({ jobs: z.array(cronJobRow) });
/** Result of `cron.remove`. */
export const cronRemoveResult = loose({ ok: z.literal(true), removed: z.boolean() });
/** Result of `cron.run`. */
export const cronRunResult = loose({ ok: z.literal(true), ran: z.boolean() });
/** One run as `cron.runs` answers. */
export const cronRunEntry = loose({
  ts: z.number(),
  jobId: nonEmpty,
  status: z.enum(['ok', 'error', 'skipped']),
  runAtMs: z.number(),
});
/** Result of `cron.runs`. */
export const cronRunsResult = loose({
  entries: z.array(cronRunEntry),
  nextRunAtMs: z.number().optional(),
});

/** The job a request names. */
export function jobIdOf(params: { id?: string | undefined; jobId?: string | undefined }): string {
  const jobId = params.id ?? params.jobId;
  if (jobId === undefined) throw new ClawdbotError('INVALID_REQUEST', 'id or jobId is required');
  return jobId;
}

function scheduleRow(schedule: CronSchedule) {
  return schedule.kind === 'at'
    ? { kind: 'at' as const, at: new Date(schedule.at).toISOString() }
    : schedule;
}

/** A job as OpenClaw clients read it. */
export function cronJobRowOf(job: CronJobInfo): z.input<typeof cronJobRow> {
  const isolated = !('sessionKey' in job.target);
  const sessionKey = 'sessionKey' in job.target ? job.target.sessionKey : job.target.deliverTo;
  return {
    id: job.jobId,
    name: job.name ?? job.jobId,
    enabled: true,
    createdAtMs: job.createdAt,
    schedule: scheduleRow(job.schedule),
    sessionTarget: isolated ? 'isolated' : 'main',
    ...(sessionKey !== undefined ? { sessionKey } : {}),
    payload: { kind: 'agentTurn', message: job.message },
    catchUp: job.catchUp,
  };
}

/** A run as OpenClaw's run log entry, plus what ClawdBot knows besides (trigger, lag, missed fires). */
export function cronRunEntryOf(jobId: string, run: CronRun): z.input<typeof cronRunEntry> {
  const status = run.status === 'ok' || run.status === 'skipped' ? run.status : 'error';
  return {
    ts: run.finishedAt ?? run.firedAt,
    jobId,
    action: 'finished',
    status,
    ...(status === 'error' ? { error: run.errorMessage ?? run.status } : {}),
    ...(run.text !== undefined ? { summary: run.text } : {}),
    ...(run.sessionKey !== undefined ? { sessionKey: run.sessionKey } : {}),
    ...(run.runId !== undefined ? { runId: run.runId } : {}),
    runAtMs: run.firedAt,
    ...(run.finishedAt !== undefined ? { durationMs: run.finishedAt - run.firedAt } : {}),
    scheduledAtMs: run.scheduledAt,
    lagMs: run.lagMs,
    trigger: run.trigger,
    ...(run.missed !== undefined ? { missed: run.missed } : {}),
  };
}
