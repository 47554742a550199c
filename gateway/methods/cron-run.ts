import { randomUUID } from 'node:crypto';
import { requireAgent } from './deps.js';
import { cronRunParams, cronRunResult, jobIdOf } from './cron-protocol.js';
import { defineMethod } from './types.js';

/**
 * `cron.run`: fire a job now, besides its schedule; answers once the job has the request
 * (the run shows in `cron.runs`). A repeated `idempotencyKey` is one run.
 */
export const cronRunMethod = defineMethod({
  method: 'cron.run',
  params: cronRunParams,
  result: cronRunResult,
  async handler(params, context) {
    const ran = await requireAgent(context).cron.run(
      jobIdOf(params),
      params.idempotencyKey ?? randomUUID(),
    );
    return { ok: true as const, ran };
  },
});
