// Cron schedules as people and models write them: validated and normalised once (the cron
// tool, the gateway's cron.add), and cron expressions evaluated for the cronJob workflow's
// local activity — workflow code cannot parse them deterministically.
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import type { CronNextFireInput, CronNextFireResult, CronSchedule } from '../../workflows/types.js';

/** The shortest interval a job may have. */
export const minEveryMs = 1000;
/** The furthest ahead an interval or a delay may reach. */
const maxDelayMs = 366 * 86_400_000;
/** Fire times counted between two wakes at most (a job down for a year at one per minute still answers fast). */
const countCap = 10_000;

/** The time zone this process runs in: what a cron expression without `tz` means. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

// zod's own ISO check puts a long regex into the JSON schema the model reads; this one does not.
function isIsoTime(value: string): boolean {
  return (
    /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}

/** Why a cron expression cannot be used, or undefined when it can. */
export function cronExpressionProblem(expr: string, tz: string): string | undefined {
  try {
    CronExpressionParser.parse(expr, { tz }).next();
    return undefined;
  } catch (error) {
    return `Invalid cron expression "${expr}": ${(error as Error).message}`;
  }
}

/** Fire times of a cron expression: the first after `now`, and how many passed in (after, now]. */
export function cronFireTimes(input: CronNextFireInput): CronNextFireResult {
  const times = CronExpressionParser.parse(input.expr, {
    tz: input.tz ?? 'UTC',
    currentDate: input.after,
  });
  let passed = 0;
  let lastDue = input.after;
  for (;;) {
    if (!times.hasNext()) return { next: undefined, passed, lastDue };
    const time = times.next().getTime();
    if (time > input.now) return { next: time, passed, lastDue };
    passed++;
    lastDue = time;
    if (passed >= countCap) {
      // Jump over the rest of the gap: the count stays a lower bound, the times are exact.
      const around = { tz: input.tz ?? 'UTC', currentDate: input.now };
      const next = CronExpressionParser.parse(input.expr, around).next().getTime();
      const last = CronExpressionParser.parse(input.expr, around).prev().getTime();
      return { next, passed, lastDue: Math.max(last, lastDue) };
    }
  }
}

const cronSchedule = z
  .object({
    kind: z.literal('cron'),
    expr: z
      .string()
      .min(1)
      .max(200)
      .describe(
        'A cron expression: "min hour day-of-month month day-of-week", e.g. "0 9 * * 1-5" for 09:00 on weekdays; a leading seconds field is allowed',
      ),
    tz: z
      .string()
      .refine(isTimeZone, 'not an IANA time zone')
      .optional()
      .describe(
        'IANA time zone the expression is read in, e.g. "Europe/Berlin"; default: the time zone of the machine running ClawdBot',
      ),
  })
  .describe('Fire on a cron expression');
const everySchedule = z
  .object({
    kind: z.literal('every'),
    everyMs: z
      .number()
      .int()
      .min(minEveryMs)
      .max(maxDelayMs)
      .describe(
        'Interval in milliseconds, e.g. 3600000 for hourly; the first fire is one interval from now',
      ),
  })
  .describe('Fire at a fixed interval');
const atSchedule = z
  .object({
    kind: z.literal('at'),
    at: z
      .string()
      .refine(isIsoTime, 'not an ISO 8601 time with a UTC offset')
      .optional()
      .describe('When to fire, ISO 8601 with a UTC offset, e.g. "2026-03-01T09:00:00+01:00"'),
    inMs: z
      .number()
      .int()
      .min(0)
      .max(maxDelayMs)
      .optional()
      .describe('Or: fire this many milliseconds from now'),
  })
  .refine(
    (value) => (value.at === undefined) !== (value.inMs === undefined),
    'give exactly one of at or inMs',
  )
  .describe('Fire once');

/**
 * A schedule as given (`at` as an ISO time or a delay, `tz` optional), normalised to what the
 * workflow runs: absolute epoch ms, an explicit time zone, an expression known to parse.
 */
export const cronScheduleSchema = z
  .discriminatedUnion('kind', [cronSchedule, everySchedule, atSchedule])
  .transform((schedule, context): CronSchedule => {
    switch (schedule.kind) {
      case 'every':
        return schedule;
      case 'cron': {
        const tz = schedule.tz ?? localTimeZone();
        const problem = cronExpressionProblem(schedule.expr, tz);
        if (problem !== undefined)
          context.addIssue({ code: 'custom', path: ['expr'], message: problem });
        return { kind: 'cron', expr: schedule.expr, tz };
      }
      case 'at': {
        const now = Date.now();
        const at =
          schedule.inMs !== undefined ? now + schedule.inMs : Date.parse(schedule.at ?? '');
        // A minute of slack for clocks and slow callers; older than that is a mistake.
        if (at < now - 60_000)
          context.addIssue({
            code: 'custom',
            path: ['at'],
            message: `${schedule.at} is in the past`,
          });
        return { kind: 'at', at };
      }
    }
  });
