import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { logLineSchema, readLogTail, type LogCursor } from '../../core/log-files.js';
import { defineMethod } from './types.js';

const levelOrder = { debug: 0, info: 1, warn: 2, error: 3 } as const;

function decodeCursor(cursor: string): LogCursor {
  try {
    const parsed = z
      .record(z.string(), z.number().int().min(0))
      .parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed;
  } catch {
    throw new ClawdbotError('INVALID_REQUEST', 'cursor is not one logs.tail returned');
  }
}

/**
 * `logs.tail`: the newest log lines of the gateway and every worker sharing its state
 * dir (each process writes `<stateDir>/logs/<role>-<pid>.jsonl`, see core/log-files.ts),
 * or, given the `cursor` of the previous answer, the lines written since. Filters apply
 * after reading, so a follower's cursor always moves to the end.
 */
export const logsTailMethod = defineMethod({
  method: 'logs.tail',
  params: z.object({
    cursor: z.string().min(1).optional(),
    limit: z.number().int().min(1).max(5000).optional(),
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .optional(),
    /** Lines at this level or above. */
    level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
    /** Only lines that mention this text (a session key, a run id). */
    search: z.string().min(1).optional(),
  }),
  result: z.object({
    cursor: z.string(),
    lines: z.array(logLineSchema),
    truncated: z.boolean(),
  }),
  handler(params, context) {
    const stateDir = context.gateway.deps.paths?.stateDir;
    if (stateDir === undefined) {
      throw new ClawdbotError('UNAVAILABLE', 'This gateway has no state dir to read logs from');
    }
    const tail = readLogTail(stateDir, {
      ...(params.cursor === undefined ? {} : { cursor: decodeCursor(params.cursor) }),
      ...(params.limit === undefined ? {} : { limit: params.limit }),
      ...(params.maxBytes === undefined ? {} : { maxBytes: params.maxBytes }),
    });
    const minimum = levelOrder[params.level ?? 'debug'];
    const lines = tail.lines.filter(
      (line) =>
        levelOrder[line.level] >= minimum &&
        (params.search === undefined ||
          line.message.includes(params.search) ||
          JSON.stringify(line.fields ?? {}).includes(params.search)),
    );
    return {
      cursor: Buffer.from(JSON.stringify(tail.cursor)).toString('base64url'),
      lines,
      truncated: tail.truncated,
    };
  },
});
