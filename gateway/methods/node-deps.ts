/** Reaching the gateway's node state from a handler. */
import { ClawdbotError } from '../../core/errors.js';
import type { GatewayNodes } from '../nodes/gateway-nodes.js';
import type { RequestContext } from './types.js';

/** The node pairing store and registry, or UNAVAILABLE (a gateway without a state dir). */
export function requireNodes(context: RequestContext): GatewayNodes {
  const nodes = context.gateway.nodes;
  if (nodes === undefined)
    throw new ClawdbotError('UNAVAILABLE', 'This gateway has no state dir, so no nodes');
  return nodes;
}
