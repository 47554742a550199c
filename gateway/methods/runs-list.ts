import { z } from 'zod';
import { temporalUiBase, temporalUiLink } from '../../core/agent/temporal-runs.js';
import { requireAgent } from './deps.js';
import { defineMethod } from './types.js';

const runStates = [
  'running',
  'awaiting-approval',
  'ok',
  'error',
  'aborted',
  'failed',
  'canceled',
  'terminated',
  'timed-out',
] as const;

/**
 * `runs.list`: the turns running now (first) and the recent ones, each with the address of
 * its workflow in the Temporal UI. A ClawdBot method: OpenClaw has no list of runs (its runs
 * live in the gateway's memory); ours are workflows, found in Temporal's visibility store.
 */
export const runsListMethod = defineMethod({
  method: 'runs.list',
  params: z
    .object({
      limit: z.number().int().min(1).max(500).optional(),
      sessionKey: z.string().min(1).max(512).optional(),
    })
    .optional(),
  result: z.looseObject({
    ts: z.number(),
    temporalUiUrl: z.string(),
    runs: z.array(
      z.looseObject({
        runId: z.string(),
        sessionKey: z.string(),
        state: z.enum(runStates),
        channel: z.string().optional(),
        startedAt: z.number(),
        closedAt: z.number().optional(),
        workflowId: z.string(),
        workflowRunId: z.string(),
        workflowType: z.string(),
        temporalUrl: z.string(),
      }),
    ),
  }),
  async handler(params, context) {
    const config = context.gateway.config();
    const runs = await requireAgent(context).runs.list({
      limit: params?.limit ?? 50,
      ...(params?.sessionKey ? { sessionKey: params.sessionKey } : {}),
    });
    return {
      ts: Date.now(),
      temporalUiUrl: temporalUiBase(config),
      runs: runs.map((run) => ({
        ...run,
        temporalUrl: temporalUiLink(config, run.workflowId, run.workflowRunId),
      })),
    };
  },
});
