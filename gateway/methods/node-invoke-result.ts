import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { requireNodes } from './node-deps.js';
import { defineMethod } from './types.js';

/** `node.invoke.result` (nodes only): the answer to a `node.invoke.request` event. */
export const nodeInvokeResultMethod = defineMethod({
  method: 'node.invoke.result',
  roles: ['node'],
  params: z.object({
    id: z.string().min(1),
    nodeId: z.string().min(1),
    ok: z.boolean(),
    payload: z.unknown().optional(),
    payloadJSON: z.string().nullable().optional(),
    error: z
      .object({ code: z.string().optional(), message: z.string().optional() })
      .nullable()
      .optional(),
  }),
  result: z.object({ ok: z.literal(true), ignored: z.boolean().optional() }),
  handler(params, context) {
    const nodes = requireNodes(context);
    const own = nodes.registry.byConnection(context.connId)?.nodeId;
    if (own !== params.nodeId) throw new ClawdbotError('INVALID_REQUEST', 'nodeId mismatch');
    const matched = nodes.registry.resolve(params.id, params.nodeId, {
      ok: params.ok,
      ...(params.payload !== undefined ? { payload: params.payload } : {}),
      payloadJSON: params.payloadJSON ?? null,
      error: params.error ?? null,
    });
    // A result after its invoke timed out or was failed is expected and harmless (as OpenClaw).
    return matched ? { ok: true as const } : { ok: true as const, ignored: true };
  },
});
