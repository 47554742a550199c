/**
 * Approving and rejecting a pair request, shared by the node.pair.* methods and the nodes
 * tool. An approved node's token goes to that node's own live connection only.
 */
import { ClawdbotError } from '../../core/errors.js';
import type { GatewayNodes } from './gateway-nodes.js';
import type { PairedNode, PendingNode } from './pairing-store.js';

/** Tell operators about a decision (the gateway's broadcast; absent in the tool's activity). */
export type DecisionBroadcast = (event: 'node.pair.resolved', payload: unknown) => void;

/** Pair the node of a pending request; throws NOT_FOUND, or UNAVAILABLE when it is not connected. */
export function approvePairing(
  nodes: GatewayNodes,
  id: string,
  broadcast?: DecisionBroadcast,
): { requestId: string; node: PairedNode } {
  const request = nodes.pairing.findPending(id);
  if (!request) throw new ClawdbotError('NOT_FOUND', `no pending node request ${id}`);
  const live = nodes.registry.get(request.nodeId);
  if (live === undefined || live.paired) {
    // Without its connection there is nowhere to send the token; the node asks again each
    // time it connects, so approving then works.
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
  broadcast?.('node.pair.resolved', resolved);
  return { requestId: request.requestId, node: approved.node };
}

/** Drop a pending request (the node may ask again); throws NOT_FOUND. */
export function rejectPairing(
  nodes: GatewayNodes,
  id: string,
  broadcast?: DecisionBroadcast,
): PendingNode {
  const rejected = nodes.pairing.reject(id);
  if (!rejected) throw new ClawdbotError('NOT_FOUND', `no pending node request ${id}`);
  const resolved = {
    requestId: rejected.requestId,
    nodeId: rejected.nodeId,
    decision: 'rejected',
    ts: Date.now(),
  };
  nodes.registry.sendEvent(rejected.nodeId, 'node.pair.resolved', resolved);
  broadcast?.('node.pair.resolved', resolved);
  return rejected;
}
