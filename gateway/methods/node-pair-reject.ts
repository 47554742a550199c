import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { requireNodes } from './node-deps.js';
import { defineMethod } from './types.js';

/** `node.pair.reject {requestId}`: drops a pending request (the node may ask again). */
export const nodePairRejectMethod = defineMethod({
  method: 'node.pair.reject',
  params: z.object({ requestId: z.string().min(1) }),
  result: z.object({ requestId: z.string(), nodeId: z.string() }).loose(),
  handler(params, context) {
    const nodes = requireNodes(context);
    const rejected = nodes.pairing.reject(params.requestId);
    if (!rejected)
      throw new ClawdbotError('NOT_FOUND', `no pending node request ${params.requestId}`);
    const resolved = {
      requestId: rejected.requestId,
      nodeId: rejected.nodeId,
      decision: 'rejected',
      ts: Date.now(),
    };
    nodes.registry.sendEvent(rejected.nodeId, 'node.pair.resolved', resolved);
    context.gateway.broadcast('node.pair.resolved', resolved);
    return rejected;
  },
});
