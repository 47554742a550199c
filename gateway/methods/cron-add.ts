import type { CronTarget } from '../../workflows/types.js';
import { requireAgent, sessionKeyOf } from './deps.js';
import { cronAddParams, cronJobRow, cronJobRowOf } from './cron-protocol.js';
import { defineMethod, type RequestContext } from './types.js';

function target(
  params: { sessionTarget?: 'main' | 'isolated' | undefined; sessionKey?: string | undefined },
  context: RequestContext,
): CronTarget {
  if (params.sessionTarget === 'isolated') {
    return params.sessionKey === undefined
      ? { isolated: true }
      : { isolated: true, deliverTo: sessionKeyOf(context, params.sessionKey) };
  }
  return { sessionKey: sessionKeyOf(context, params.sessionKey ?? 'main') };
}

/**
 * `cron.add`: start a cron job — a workflow with no parent that sleeps until each fire time
 * and runs a turn then. It survives gateway and worker restarts; `cron.remove` stops it.
 */
export const cronAddMethod = defineMethod({
  method: 'cron.add',
  params: cronAddParams,
  result: cronJobRow,
  async handler(params, context) {
    const job = await requireAgent(context).cron.add({
      ...(params.name === undefined ? {} : { name: params.name }),
      schedule: params.schedule,
      target: target(params, context),
      message: params.payload.kind === 'agentTurn' ? params.payload.message : params.payload.text,
      catchUp: params.catchUp ?? 'one',
    });
    return cronJobRowOf(job);
  },
});
