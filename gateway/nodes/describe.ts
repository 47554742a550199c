/** Paired and connected nodes merged into one view (OpenClaw's node.list entry fields). */
import type { GatewayNodes } from './gateway-nodes.js';

/** One node as node.list, node.describe and status show it. */
export interface NodeView {
  nodeId: string;
  displayName?: string;
  platform?: string;
  version?: string;
  deviceFamily?: string;
  modelIdentifier?: string;
  remoteIp?: string;
  caps: string[];
  commands: string[];
  pathEnv?: string;
  permissions?: Record<string, boolean>;
  connectedAtMs?: number;
  lastConnectedAtMs?: number;
  paired: boolean;
  connected: boolean;
}

/** Every known node, connected ones first, then by name. */
export function describeNodes(nodes: GatewayNodes): NodeView[] {
  const { paired } = nodes.pairing.list();
  const live = new Map(nodes.registry.list().map((session) => [session.nodeId, session]));
  const ids = new Set([...paired.map((node) => node.nodeId), ...live.keys()]);
  const views = [...ids].map((nodeId): NodeView => {
    const record = paired.find((node) => node.nodeId === nodeId);
    const session = live.get(nodeId);
    const {
      connId: _conn,
      paired: _auth,
      ...liveFields
    } = session ?? {
      connId: '',
      paired: false,
    };
    return {
      ...(record ?? {}),
      ...liveFields,
      nodeId,
      caps: session?.caps ?? record?.caps ?? [],
      commands: session?.commands ?? record?.commands ?? [],
      // Connected with a valid device token; an unpaired connection only asked to pair.
      paired: record !== undefined,
      connected: session?.paired === true,
    };
  });
  return views.sort((a, b) => {
    if (a.connected !== b.connected) return a.connected ? -1 : 1;
    return (a.displayName ?? a.nodeId).localeCompare(b.displayName ?? b.nodeId);
  });
}
