/**
 * How a `role: "node"` connect is let in. A node with a device token must present a valid
 * one (a revoked or unknown token is refused); a node without one is let in unpaired,
 * whatever the gateway's own auth, and may do nothing but ask to be paired — so a phone
 * or another machine never needs the owner's gateway token, only the owner's approval.
 */
import type { ConnectParams } from '../../core/protocol/index.js';
import type { AuthFailure } from '../ws/auth.js';
import { nodeIdOf } from './node-registry.js';
import type { NodePairingStore } from './pairing-store.js';

/** The outcome of a node's connect. */
export type NodeConnectAuth = { ok: true; paired: boolean; nodeId: string } | AuthFailure;

/** Check a node's credentials against the pairing store. */
export function authorizeNodeConnect(
  pairing: NodePairingStore,
  params: Pick<ConnectParams, 'auth' | 'device' | 'client'>,
): NodeConnectAuth {
  const nodeId = nodeIdOf(params);
  const token = params.auth?.deviceToken;
  if (token === undefined || token === '') return { ok: true, paired: false, nodeId };
  if (pairing.verify(nodeId, token)) return { ok: true, paired: true, nodeId };
  return {
    ok: false,
    reason: 'device_token_invalid',
    detailCode: 'PAIRING_REQUIRED',
    message: `node ${nodeId}: device token is not valid (revoked or never issued); pair the node again`,
    code: 'NOT_PAIRED',
  };
}
