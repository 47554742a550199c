import { z } from 'zod';
import { rejectPairing } from '../nodes/pair-decisions.js';
import { requireNodes } from './node-deps.js';
import { defineMethod } from './types.js';

/** `node.pair.reject {requestId}`: drops a pending request (the node may ask again). */
export const nodePairRejectMethod = defineMethod({
  method: 'node.pair.reject',
  params: z.object({ requestId: z.string().min(1) }),
  result: z.object({ requestId: z.string(), nodeId: z.string() }).loose(),
  handler(params, context) {
    return rejectPairing(requireNodes(context), params.requestId, (event, payload) =>
      context.gateway.broadcast(event, payload),
    );
  },
});
