import { z } from 'zod';
import { requireAgent } from './deps.js';
import { defineMethod } from './types.js';

/**
 * `exec.approval.list`: every tool call waiting for approval now. Pending approvals live
 * in their turn workflows, so a client that reconnects (or a restarted gateway) sees them.
 */
export const execApprovalListMethod = defineMethod({
  method: 'exec.approval.list',
  params: z.object({}).optional(),
  result: z.object({ approvals: z.array(z.looseObject({ approvalId: z.string() })) }),
  async handler(_params, context) {
    const approvals = await requireAgent(context).pendingApprovals();
    return { approvals: approvals.map((approval) => ({ ...approval })) };
  },
});
