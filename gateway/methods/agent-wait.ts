import { agentWaitParams, agentWaitResult } from '../../core/protocol/index.js';
import { requireAgent } from './deps.js';
import { defineMethod } from './types.js';

const DEFAULT_TIMEOUT_MS = 30_000;

/** `agent.wait`: wait up to `timeoutMs` for a run; a timeout is an answer (`status:"timeout"`), not an error. */
export const agentWaitMethod = defineMethod({
  method: 'agent.wait',
  params: agentWaitParams,
  result: agentWaitResult,
  async handler(params, context) {
    const outcome = await requireAgent(context).wait(
      params.runId,
      params.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    return {
      runId: outcome.runId,
      status: outcome.status,
      ...(outcome.text === undefined ? {} : { text: outcome.text }),
      ...(outcome.errorMessage === undefined ? {} : { error: outcome.errorMessage }),
    };
  },
});
