// The cron form's content and how it becomes `cron.add` params: what a person types
// (minutes, a local date-time) turned into the wire's units (ms, ISO with an offset).

/** A schedule as cron.list reports it. */
export type CronScheduleRow =
  | { kind: 'cron'; expr: string; tz?: string }
  | { kind: 'every'; everyMs: number }
  | { kind: 'at'; at: string };

/** One job as cron.list reports it. */
export interface CronJob {
  id: string;
  name?: string;
  schedule: CronScheduleRow;
  sessionTarget: 'main' | 'isolated';
  sessionKey?: string;
  payload: { kind: 'agentTurn'; message: string };
  catchUp?: 'one' | 'none';
}

/** What the add/edit form holds (strings, as inputs give them). */
export interface CronDraft {
  name: string;
  kind: 'cron' | 'every' | 'at';
  expr: string;
  tz: string;
  everyMinutes: string;
  /** `datetime-local` value: local time without an offset. */
  at: string;
  sessionTarget: 'main' | 'isolated';
  sessionKey: string;
  message: string;
}

const pad = (value: number) => String(value).padStart(2, '0');

function toLocalInput(iso: string): string {
  const date = new Date(iso);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** An empty form, or one filled from a job (to edit it). */
export function emptyDraft(job?: CronJob): CronDraft {
  const schedule = job?.schedule;
  return {
    name: job?.name ?? '',
    kind: schedule?.kind ?? 'cron',
    expr: schedule?.kind === 'cron' ? schedule.expr : '',
    tz: schedule?.kind === 'cron' ? (schedule.tz ?? '') : '',
    everyMinutes: schedule?.kind === 'every' ? String(schedule.everyMs / 60_000) : '60',
    at: schedule?.kind === 'at' ? toLocalInput(schedule.at) : '',
    sessionTarget: job?.sessionTarget ?? 'main',
    sessionKey: job?.sessionKey ?? '',
    message: job?.payload.message ?? '',
  };
}

/** An ISO 8601 time with this browser's UTC offset, from a `datetime-local` value. */
function isoWithOffset(local: string): string {
  const date = new Date(local);
  if (Number.isNaN(date.getTime())) throw new Error('Pick the date and time it should fire.');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const hours = pad(Math.floor(Math.abs(offset) / 60));
  const minutes = pad(Math.abs(offset) % 60);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:00${sign}${hours}:${minutes}`;
}

/**
 * `cron.add` params from a form; throws an Error saying what to fix. The gateway validates
 * again (e.g. the cron expression), and its answer is shown when it refuses.
 */
export function cronAddParams(draft: CronDraft): Record<string, unknown> {
  const message = draft.message.trim();
  if (message === '') throw new Error('Write the message the agent gets at each fire.');
  let schedule: Record<string, unknown>;
  switch (draft.kind) {
    case 'cron':
      if (draft.expr.trim() === '') throw new Error('Write a cron expression, e.g. 0 9 * * 1-5.');
      schedule = {
        kind: 'cron',
        expr: draft.expr.trim(),
        ...(draft.tz.trim() ? { tz: draft.tz.trim() } : {}),
      };
      break;
    case 'every': {
      const minutes = Number(draft.everyMinutes);
      if (!Number.isFinite(minutes) || minutes <= 0)
        throw new Error('The interval must be a number of minutes above 0.');
      schedule = { kind: 'every', everyMs: Math.round(minutes * 60_000) };
      break;
    }
    case 'at':
      schedule = { kind: 'at', at: isoWithOffset(draft.at) };
      break;
  }
  return {
    ...(draft.name.trim() ? { name: draft.name.trim() } : {}),
    schedule,
    sessionTarget: draft.sessionTarget,
    ...(draft.sessionKey.trim() ? { sessionKey: draft.sessionKey.trim() } : {}),
    payload: { kind: 'agentTurn', message },
  };
}

/** A schedule in words: "cron 0 9 * * 1-5 (Europe/Berlin)", "every 15 min", "once at …". */
export function describeSchedule(schedule: CronScheduleRow): string {
  switch (schedule.kind) {
    case 'cron':
      return `cron ${schedule.expr}${schedule.tz ? ` (${schedule.tz})` : ''}`;
    case 'every': {
      const minutes = schedule.everyMs / 60_000;
      return minutes >= 60 && minutes % 60 === 0
        ? `every ${minutes / 60} h`
        : minutes >= 1
          ? `every ${Math.round(minutes * 10) / 10} min`
          : `every ${schedule.everyMs / 1000} s`;
    }
    case 'at':
      return `once at ${new Date(schedule.at).toLocaleString('en-GB', { hour12: false })}`;
  }
}
