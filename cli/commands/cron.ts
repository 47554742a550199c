import { randomUUID } from 'node:crypto';
import {
  printJson,
  processOutput,
  withGateway,
  type GatewayFlags,
  type Output,
} from '../gateway-command.js';

interface CronJobRow {
  id: string;
  name?: string;
  schedule: {
    kind: 'cron' | 'every' | 'at';
    expr?: string;
    tz?: string;
    everyMs?: number;
    at?: string;
  };
  sessionTarget: 'main' | 'isolated';
  sessionKey?: string;
  payload: { message: string };
}

interface CronRunRow {
  ts: number;
  status: string;
  runAtMs: number;
  trigger?: string;
  summary?: string;
  error?: string;
}

/** Flags of `clawdbot cron add`. */
export interface CronAddFlags extends GatewayFlags {
  message: string;
  name?: string;
  cron?: string;
  tz?: string;
  every?: string;
  at?: string;
  in?: string;
  session?: string;
  isolated?: boolean;
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "5m", "2h", "1d" or plain milliseconds; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * units[match[2] ?? 'ms']!);
}

function describeSchedule(schedule: CronJobRow['schedule']): string {
  switch (schedule.kind) {
    case 'cron':
      return `cron "${schedule.expr ?? ''}"${schedule.tz ? ` (${schedule.tz})` : ''}`;
    case 'every':
      return `every ${Math.round((schedule.everyMs ?? 0) / 1000)}s`;
    case 'at':
      return `at ${schedule.at ?? '?'}`;
  }
}

/** `clawdbot cron list`: the running jobs. */
export async function runCronList(
  flags: GatewayFlags,
  output: Output = processOutput,
): Promise<number> {
  return withGateway(flags, output, async (gateway) => {
    const payload = (await gateway.request('cron.list', {})) as { jobs: CronJobRow[] };
    if (flags.json) {
      printJson(output, payload);
      return 0;
    }
    if (payload.jobs.length === 0) output.out('No cron jobs.\n');
    for (const job of payload.jobs) {
      const where = job.sessionTarget === 'isolated' ? 'isolated' : (job.sessionKey ?? 'main');
      output.out(
        `${job.id}  ${job.name ?? ''}  ${describeSchedule(job.schedule)}  → ${where}: ` +
          `${job.payload.message.slice(0, 80)}\n`,
      );
    }
    return 0;
  });
}

/** `clawdbot cron add`: one schedule flag (--cron, --every, --at or --in) and --message. */
export async function runCronAdd(
  flags: CronAddFlags,
  output: Output = processOutput,
): Promise<number> {
  const given = [flags.cron, flags.every, flags.at, flags.in].filter(
    (value) => value !== undefined,
  );
  if (given.length !== 1) {
    output.err('clawdbot: give exactly one of --cron, --every, --at or --in\n');
    return 2;
  }
  let schedule: Record<string, unknown>;
  if (flags.cron !== undefined) {
    schedule = { kind: 'cron', expr: flags.cron, ...(flags.tz ? { tz: flags.tz } : {}) };
  } else if (flags.at !== undefined) {
    schedule = { kind: 'at', at: flags.at };
  } else {
    const ms = parseDuration((flags.every ?? flags.in)!);
    if (ms === undefined) {
      output.err('clawdbot: durations look like 90s, 5m, 2h, 1d (or milliseconds)\n');
      return 2;
    }
    schedule =
      flags.every !== undefined ? { kind: 'every', everyMs: ms } : { kind: 'at', inMs: ms };
  }
  return withGateway(flags, output, async (gateway) => {
    const job = (await gateway.request('cron.add', {
      ...(flags.name === undefined ? {} : { name: flags.name }),
      schedule,
      sessionTarget: flags.isolated ? 'isolated' : 'main',
      ...(flags.session === undefined ? {} : { sessionKey: flags.session }),
      payload: { kind: 'agentTurn', message: flags.message },
    })) as CronJobRow;
    if (flags.json) printJson(output, job);
    else output.out(`Added cron job ${job.id} (${describeSchedule(job.schedule)})\n`);
    return 0;
  });
}

/** `clawdbot cron remove <id>`. */
export async function runCronRemove(
  id: string,
  flags: GatewayFlags,
  output: Output = processOutput,
): Promise<number> {
  return withGateway(flags, output, async (gateway) => {
    const payload = (await gateway.request('cron.remove', { id })) as { removed: boolean };
    if (flags.json) printJson(output, payload);
    else output.out(payload.removed ? `Removed cron job ${id}\n` : `No cron job ${id}\n`);
    return payload.removed ? 0 : 1;
  });
}

/** `clawdbot cron run <id>`: fire a job now. */
export async function runCronRun(
  id: string,
  flags: GatewayFlags,
  output: Output = processOutput,
): Promise<number> {
  return withGateway(flags, output, async (gateway) => {
    const payload = (await gateway.request('cron.run', { id, idempotencyKey: randomUUID() })) as {
      ran: boolean;
    };
    if (flags.json) printJson(output, payload);
    else output.out(payload.ran ? `Fired cron job ${id}\n` : `Cron job ${id} did not run\n`);
    return payload.ran ? 0 : 1;
  });
}

/** `clawdbot cron runs <id>`: a job's recent runs, newest first. */
export async function runCronRuns(
  id: string,
  flags: GatewayFlags & { limit?: string },
  output: Output = processOutput,
): Promise<number> {
  const limit = flags.limit === undefined ? 20 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
    output.err('clawdbot: --limit expects a whole number from 1 to 50\n');
    return 2;
  }
  return withGateway(flags, output, async (gateway) => {
    const payload = (await gateway.request('cron.runs', { id, limit })) as {
      entries: CronRunRow[];
      nextRunAtMs?: number;
    };
    if (flags.json) {
      printJson(output, payload);
      return 0;
    }
    if (payload.nextRunAtMs !== undefined)
      output.out(`next run: ${new Date(payload.nextRunAtMs).toISOString()}\n`);
    if (payload.entries.length === 0) output.out('No runs yet.\n');
    for (const run of payload.entries) {
      const detail = run.error ?? run.summary ?? '';
      output.out(
        `${new Date(run.runAtMs).toISOString()}  ${run.status}${run.trigger ? ` (${run.trigger})` : ''}` +
          (detail ? `  ${detail.replace(/\s+/g, ' ').slice(0, 100)}` : '') +
          '\n',
      );
    }
    return 0;
  });
}
