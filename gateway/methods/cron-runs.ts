import { ClawdbotError } from '../../core/errors.js';
import { requireAgent } from './deps.js';
import { cronRunEntryOf, cronRunsParams, cronRunsResult, jobIdOf } from './cron-protocol.js';
import { defineMethod } from './types.js';

const DEFAULT_LIMIT = 20;

/** `cron.runs`: a job's recent runs, newest first, and its next fire time (asked of the job's workflow). */
export const cronRunsMethod = defineMethod({
  method: 'cron.runs',
  params: cronRunsParams,
  result: cronRunsResult,
  async handler(params, context) {
    const jobId = jobIdOf(params);
    const state = await requireAgent(context).cron.state(jobId);
    if (state === undefined)
      throw new ClawdbotError('NOT_FOUND', `no cron job ${jobId}`, { jobId });
    const entries = state.runs
      .slice(-(params.limit ?? DEFAULT_LIMIT))
      .reverse()
      .map((run) => cronRunEntryOf(jobId, run));
    return {
      entries,
      ...(state.nextFireAt === undefined ? {} : { nextRunAtMs: state.nextFireAt }),
      ...(state.running === undefined ? {} : { runningAtMs: state.running.startedAt }),
      removed: state.removed,
    };
  },
});
