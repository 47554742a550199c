import { z } from 'zod';
import { approvePairing } from '../nodes/pair-decisions.js';
import { requireNodes } from './node-deps.js';
import { defineMethod } from './types.js';

/**
 * `node.pair.approve {requestId}` (a node id works too): pairs the node and hands its new
 * device token to the node's own connection only — never to operators, never to disk
 * (only its hash is stored). The node must be connected to receive it.
 */
export const nodePairApproveMethod = defineMethod({
  method: 'node.pair.approve',
  params: z.object({ requestId: z.string().min(1) }),
  result: z.object({ requestId: z.string(), node: z.object({ nodeId: z.string() }).loose() }),
  handler(params, context) {
    return approvePairing(requireNodes(context), params.requestId, (event, payload) =>
      context.gateway.broadcast(event, payload),
    );
  },
});
