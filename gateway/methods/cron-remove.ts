import { requireAgent } from './deps.js';
import { cronRemoveParams, cronRemoveResult, jobIdOf } from './cron-protocol.js';
import { defineMethod } from './types.js';

/** `cron.remove`: stop a job; `removed: false` when no running job has that id. */
export const cronRemoveMethod = defineMethod({
  method: 'cron.remove',
  params: cronRemoveParams,
  result: cronRemoveResult,
  async handler(params, context) {
    const removed = await requireAgent(context).cron.remove(jobIdOf(params));
    return { ok: true as const, removed };
  },
});
