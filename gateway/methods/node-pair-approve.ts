import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { requireNodes } from './node-deps.js';
import { defineMethod } from './types.js';

/**
 * `node.pair.approve {requestId}` (a node id works too): pairs the node and hands its new
 * device token to the node's own connection only — the token never goes to operators or
 * to disk (only its hash is stored). The node must be connected to receive it.
 */
export const nodePairApproveMethod = defineMethod({
  method: 'node.pair.approve',
  params: z.object({ requestId: z.string().min(1) }),
  result: z.object({
    requestId: z.string(),
    node: z.object({ nodeId: z.string() }).loose(),
  }),
  handler(params, context) {
    const nodes = requireNodes(context);
    const request = nodes.pairing.findPending(params.requestId);
    if (!request)
      throw new ClawdbotError('NOT_FOUND', `no pending node request ${params.requestId}`);
    const live = nodes.registry.get(request.nodeId);
    if (live === undefined || live.paired) {
      // Without its connection there is nowhere to send the token; the node asks again
      // each time it connects, so approving then works.
      throw new ClawdbotError(
        'UNAVAILABLE',
        `node ${request.nodeId} is not connected now: start it (clawdbot node run) and approve again`,
      );
    }
    const approved = nodes.pairing.approve(request.requestId)!;
    const resolved = {
      requestId: request.requestId,
      nodeId: request.nodeId,
      decision: 'approved',
      ts: Date.now(),
    };
    nodes.registry.sendEvent(request.nodeId, 'node.pair.resolved', {
      ...resolved,
      token: approved.token,
    });
    context.gateway.broadcast('node.pair.resolved', resolved);
    return { requestId: request.requestId, node: approved.node };
  },
});
