import { requireAgent } from './deps.js';
import { cronJobRowOf, cronListParams, cronListResult } from './cron-protocol.js';
import { defineMethod } from './types.js';

/** `cron.list`: the running cron jobs, newest first, from Temporal visibility (no worker needed). */
export const cronListMethod = defineMethod({
  method: 'cron.list',
  params: cronListParams,
  result: cronListResult,
  async handler(params, context) {
    const jobs = await requireAgent(context).cron.list(
      params.agentId === undefined ? {} : { agentId: params.agentId },
    );
    return { jobs: jobs.slice(0, params.limit ?? jobs.length).map(cronJobRowOf) };
  },
});
