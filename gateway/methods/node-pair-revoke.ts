import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { requireNodes } from './node-deps.js';
import { defineMethod } from './types.js';

/** `node.pair.revoke {nodeId}`: forgets a paired node; its token stops working and its connection is closed. */
export const nodePairRevokeMethod = defineMethod({
  method: 'node.pair.revoke',
  params: z.object({ nodeId: z.string().min(1) }),
  result: z.object({ nodeId: z.string(), revoked: z.literal(true) }),
  handler(params, context) {
    const nodes = requireNodes(context);
    if (!nodes.pairing.revoke(params.nodeId))
      throw new ClawdbotError('NOT_FOUND', `no paired node ${params.nodeId}`);
    nodes.registry.disconnect(params.nodeId, 'device token revoked');
    return { nodeId: params.nodeId, revoked: true as const };
  },
});
