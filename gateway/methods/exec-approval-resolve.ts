import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { requireAgent } from './deps.js';
import { defineMethod } from './types.js';

/** OpenClaw's decision words, and ours. */
const approving = new Set(['allow', 'allow-once', 'allow-always', 'approve']);
const denying = new Set(['deny', 'reject']);

/** `exec.approval.resolve {id, decision}`: approve or deny a tool call waiting in its turn workflow. */
export const execApprovalResolveMethod = defineMethod({
  method: 'exec.approval.resolve',
  params: z.object({
    id: z.string().min(1),
    decision: z.string().refine((value) => approving.has(value) || denying.has(value), {
      message: 'decision must be one of allow-once, allow-always, allow, approve, deny, reject',
    }),
    reason: z.string().max(500).optional(),
  }),
  result: z.object({ ok: z.literal(true), id: z.string(), decision: z.enum(['approve', 'deny']) }),
  async handler(params, context) {
    const decision = approving.has(params.decision) ? ('approve' as const) : ('deny' as const);
    const applied = await requireAgent(context).resolveApproval(params.id, decision, params.reason);
    if (!applied) throw new ClawdbotError('NOT_FOUND', `no pending approval with id ${params.id}`);
    return { ok: true as const, id: params.id, decision };
  },
});
