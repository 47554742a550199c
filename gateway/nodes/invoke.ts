/**
 * One invoke of a node command, as `node.invoke` and the nodes activity make it: the node
 * must be paired, connected and advertise the command; its error comes back as a
 * ClawdbotError whose details carry the node's own code.
 */
import { ClawdbotError } from '../../core/errors.js';
import type { GatewayNodes } from './gateway-nodes.js';

/** A command to run on a node. */
export interface NodeInvokeRequest {
  nodeId: string;
  command: string;
  params?: unknown;
  timeoutMs?: number;
  idempotencyKey?: string;
}

/** What a successful invoke returns (OpenClaw's `node.invoke` result). */
export interface NodeInvokeOutcome {
  ok: true;
  nodeId: string;
  command: string;
  payload: unknown;
  payloadJSON: string | null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Invoke a command on a node; throws ClawdbotError (details.code says why) when it did not run or failed. */
export async function invokeNode(
  nodes: GatewayNodes,
  request: NodeInvokeRequest,
): Promise<NodeInvokeOutcome> {
  const session = nodes.registry.get(request.nodeId);
  if (session === undefined || !session.paired) {
    const known = nodes.pairing.get(request.nodeId) !== undefined;
    throw new ClawdbotError(
      'UNAVAILABLE',
      known
        ? `node ${request.nodeId} is paired but not connected`
        : `unknown node ${request.nodeId} (not paired)`,
      { code: 'NOT_CONNECTED' },
    );
  }
  if (!session.commands.includes(request.command)) {
    throw new ClawdbotError(
      'INVALID_REQUEST',
      `node ${request.nodeId} does not offer ${request.command} (it offers: ${session.commands.join(', ') || 'nothing'})`,
      { code: 'COMMAND_NOT_OFFERED', command: request.command },
    );
  }
  const result = await nodes.registry.invoke(request);
  if (!result.ok) {
    const code = result.error?.code ?? 'NODE_ERROR';
    throw new ClawdbotError(
      'UNAVAILABLE',
      result.error?.message ?? `${request.command} failed on node ${request.nodeId}`,
      { code, nodeError: result.error ?? null },
    );
  }
  const payloadJSON = result.payloadJSON ?? null;
  return {
    ok: true,
    nodeId: request.nodeId,
    command: request.command,
    payload: payloadJSON !== null ? parseJson(payloadJSON) : result.payload,
    payloadJSON,
  };
}
