import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { nodeIdOf } from '../nodes/node-registry.js';
import { requireNodes } from './node-deps.js';
import { defineMethod } from './types.js';

const text = z.string().min(1).max(256);

/**
 * `node.pair.request` (OpenClaw's params): a node asks the owner to pair it. A node may ask
 * only for itself; the request waits for `node.pair.approve` or `node.pair.reject`.
 */
export const nodePairRequestMethod = defineMethod({
  method: 'node.pair.request',
  roles: ['node', 'operator'],
  allowUnpairedNode: true,
  params: z.object({
    nodeId: text,
    displayName: text.optional(),
    platform: text.optional(),
    version: text.optional(),
    coreVersion: text.optional(),
    uiVersion: text.optional(),
    deviceFamily: text.optional(),
    modelIdentifier: text.optional(),
    caps: z.array(text).max(64).optional(),
    commands: z.array(text).max(128).optional(),
    remoteIp: text.optional(),
    silent: z.boolean().optional(),
  }),
  result: z.object({
    status: z.literal('pending'),
    created: z.boolean(),
    request: z.object({ requestId: z.string(), nodeId: z.string() }).loose(),
  }),
  handler(params, context) {
    const nodes = requireNodes(context);
    if (context.role === 'node') {
      const own = nodes.registry.byConnection(context.connId)?.nodeId;
      if (own !== params.nodeId)
        throw new ClawdbotError('INVALID_REQUEST', 'a node may only ask to pair itself', {
          connectedAs: own ?? nodeIdOf({ client: context.client }),
        });
    }
    const live = nodes.registry.get(params.nodeId);
    const outcome = nodes.pairing.request({
      nodeId: params.nodeId,
      ...(params.displayName !== undefined ? { displayName: params.displayName } : {}),
      ...(params.platform !== undefined ? { platform: params.platform } : {}),
      ...(params.version !== undefined ? { version: params.version } : {}),
      ...(params.deviceFamily !== undefined ? { deviceFamily: params.deviceFamily } : {}),
      ...(live?.remoteIp !== undefined ? { remoteIp: live.remoteIp } : {}),
      caps: params.caps ?? live?.caps ?? [],
      commands: params.commands ?? live?.commands ?? [],
    });
    if (outcome.created) context.gateway.broadcast('node.pair.requested', outcome.request);
    return outcome;
  },
});
