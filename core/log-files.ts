/**
 * Process log files, so `logs.tail` can show what the gateway and every worker said.
 *
 * Workers run in other processes (and, in a cluster, on other machines sharing the state
 * dir), so there is no in-memory buffer to read: each `clawdbot gateway` / `clawdbot
 * worker` appends its log lines as JSON (one object a line) to its own file
 * `<stateDir>/logs/<role>-<pid>.jsonl`, and the gateway's `logs.tail` reads the directory.
 * One file per process means no two writers share a file. A process removes files not
 * written for `keepDays` when it starts, so the folder does not grow without end.
 */
import {
  appendFileSync,
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { LogRecord } from './logger.js';

/** One line of a log file: a LogRecord and which process wrote it. */
export const logLineSchema = z.object({
  ts: z.number(),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  name: z.string(),
  message: z.string(),
  fields: z.record(z.string(), z.unknown()).optional(),
  process: z.string(),
});
/** One line of a log file. */
export type LogLine = z.infer<typeof logLineSchema>;

/** The folder holding the process log files. */
export function logsDir(stateDir: string): string {
  return join(stateDir, 'logs');
}

/**
 * Start this process's log file and return the function that appends one record to it.
 * Appends are synchronous: a line is on disk before the process can die after writing it.
 */
export function openLogFile(
  stateDir: string,
  role: string,
  options: { keepDays?: number; pid?: number } = {},
): { file: string; record(entry: LogRecord): void } {
  const dir = logsDir(stateDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keepMs = (options.keepDays ?? 7) * 86_400_000;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.jsonl')) continue;
    try {
      if (Date.now() - statSync(join(dir, name)).mtimeMs > keepMs) unlinkSync(join(dir, name));
    } catch {
      // another process removed it first
    }
  }
  const processName = `${role}-${options.pid ?? process.pid}`;
  const file = join(dir, `${processName}.jsonl`);
  return {
    file,
    record(entry) {
      try {
        appendFileSync(file, `${JSON.stringify({ ...entry, process: processName })}\n`, {
          mode: 0o600,
        });
      } catch {
        // A full disk must not take the process down with it; stderr still has the line.
      }
    },
  };
}

/** Where a reader stopped in each file (file name → byte offset). */
export type LogCursor = Record<string, number>;

/** What one read of the log folder returns. */
export interface LogTail {
  lines: LogLine[];
  cursor: LogCursor;
  /** The read was cut at `maxBytes` per file: older lines were skipped. */
  truncated: boolean;
}

function readRange(file: string, from: number, to: number): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(to - from);
    const read = readSync(fd, buffer, 0, buffer.length, from);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * The newest lines of every log file (no cursor), or the lines written since `cursor`;
 * merged in time order, the last `limit` kept. A file shorter than its cursor was
 * replaced, and is read from its start.
 */
export function readLogTail(
  stateDir: string,
  options: { cursor?: LogCursor; limit?: number; maxBytes?: number } = {},
): LogTail {
  const dir = logsDir(stateDir);
  const limit = options.limit ?? 200;
  const maxBytes = options.maxBytes ?? 256 * 1024;
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.jsonl'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const cursor: LogCursor = {};
  const lines: LogLine[] = [];
  let truncated = false;
  for (const name of names) {
    const file = join(dir, name);
    let size: number;
    try {
      const fd = openSync(file, 'r');
      size = fstatSync(fd).size;
      closeSync(fd);
    } catch {
      continue;
    }
    const previous = options.cursor?.[name];
    let from = previous !== undefined && previous <= size ? previous : 0;
    if (options.cursor === undefined || size - from > maxBytes) {
      const start = Math.max(from, size - maxBytes);
      truncated ||= start > from;
      from = start;
    }
    const text = readRange(file, from, size);
    // Only whole lines: a line still being written is read next time.
    const end = text.lastIndexOf('\n') + 1;
    cursor[name] = from + Buffer.byteLength(text.slice(0, end));
    const whole = text.slice(0, end).split('\n');
    // A read that started mid-file begins with the tail of a line: drop it.
    if (from > 0 && (previous === undefined || from !== previous)) whole.shift();
    for (const raw of whole) {
      if (raw === '') continue;
      try {
        const parsed = logLineSchema.safeParse(JSON.parse(raw));
        if (parsed.success) lines.push(parsed.data);
      } catch {
        // a torn line after a crash
      }
    }
  }
  lines.sort((a, b) => a.ts - b.ts);
  if (lines.length > limit) truncated = true;
  return { lines: lines.slice(-limit), cursor, truncated };
}
