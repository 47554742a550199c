import { z } from 'zod';
import { invokeNode } from '../nodes/invoke.js';
import { requireNodes } from './node-deps.js';
import { defineMethod } from './types.js';

/** `node.invoke`: run a command on a connected node and answer with its result. */
export const nodeInvokeMethod = defineMethod({
  method: 'node.invoke',
  params: z.object({
    nodeId: z.string().min(1),
    command: z.string().min(1),
    params: z.unknown().optional(),
    timeoutMs: z.number().int().min(0).max(3_600_000).optional(),
    idempotencyKey: z.string().min(1),
  }),
  result: z.object({
    ok: z.literal(true),
    nodeId: z.string(),
    command: z.string(),
    payload: z.unknown(),
    payloadJSON: z.string().nullable(),
  }),
  handler(params, context) {
    return invokeNode(requireNodes(context), params);
  },
});
