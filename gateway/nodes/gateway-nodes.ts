/** The gateway's node state: who is paired (on disk) and who is connected (in memory). */
import { NodeRegistry } from './node-registry.js';
import { NodePairingStore } from './pairing-store.js';

/** Pairing store and live registry of one gateway process, shared by its methods and its node activity. */
export interface GatewayNodes {
  pairing: NodePairingStore;
  registry: NodeRegistry;
}

/** Open the pairing store under `stateDir` and start an empty registry. */
export function createGatewayNodes(stateDir: string): GatewayNodes {
  return { pairing: new NodePairingStore(stateDir), registry: new NodeRegistry() };
}
