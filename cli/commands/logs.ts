import { setTimeout as sleep } from 'node:timers/promises';
import type { LogLine } from '../../core/log-files.js';
import { processOutput, withGateway, type GatewayFlags, type Output } from '../gateway-command.js';

/** Flags of `clawdbot logs`. */
export interface LogsFlags extends GatewayFlags {
  follow?: boolean;
  limit?: string;
  level?: string;
  search?: string;
  interval?: string;
}

const levels = ['debug', 'info', 'warn', 'error'];

function format(line: LogLine): string {
  const fields = line.fields ? ` ${JSON.stringify(line.fields)}` : '';
  return (
    `${new Date(line.ts).toISOString()} ${line.level.padEnd(5)} ${line.process} ` +
    `[${line.name}] ${line.message}${fields}\n`
  );
}

/**
 * `clawdbot logs [--follow]`: the gateway's and workers' log lines through `logs.tail`;
 * `--follow` asks again every `--interval` ms with the cursor it got, until Ctrl-C.
 * `--json` prints one JSON object a line (so a follower's output stays parseable).
 */
export async function runLogs(flags: LogsFlags, output: Output = processOutput): Promise<number> {
  if (flags.level !== undefined && !levels.includes(flags.level)) {
    output.err(`clawdbot: --level must be one of ${levels.join(', ')}\n`);
    return 2;
  }
  const limit = flags.limit === undefined ? 200 : Number(flags.limit);
  const interval = flags.interval === undefined ? 1000 : Number(flags.interval);
  if (!Number.isInteger(limit) || limit < 1 || !Number.isFinite(interval) || interval < 50) {
    output.err('clawdbot: --limit expects a positive number, --interval at least 50 (ms)\n');
    return 2;
  }
  return withGateway(flags, output, async (gateway) => {
    let cursor: string | undefined;
    let stopped = false;
    const stop = () => (stopped = true);
    process.once('SIGINT', stop);
    try {
      do {
        const tail = (await gateway.request('logs.tail', {
          ...(cursor === undefined ? { limit } : { cursor, limit: 5000 }),
          ...(flags.level === undefined ? {} : { level: flags.level }),
          ...(flags.search === undefined ? {} : { search: flags.search }),
        })) as { cursor: string; lines: LogLine[] };
        cursor = tail.cursor;
        for (const line of tail.lines) {
          output.out(flags.json ? `${JSON.stringify(line)}\n` : format(line));
        }
        if (flags.follow && !stopped) await sleep(interval);
      } while (flags.follow && !stopped);
      return 0;
    } finally {
      process.off('SIGINT', stop);
    }
  });
}
