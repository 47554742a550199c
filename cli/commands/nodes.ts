/**
 * `clawdbot nodes ...`: the owner's side of nodes, through the running gateway (pairing
 * tokens are handed to the node's live connection, so these need the gateway up).
 */
import { ClawdbotError } from '../../core/errors.js';
import { commandContext, type RuntimeFlags } from '../context.js';
import { callGateway, gatewayWsUrl } from '../gateway-client.js';

/** Flags every `nodes` subcommand takes. */
export type NodesFlags = Pick<RuntimeFlags, 'stateDir' | 'port'> & { json?: boolean };

type Write = (text: string) => void;
const stdout: Write = (text) => process.stdout.write(text);

async function call(flags: NodesFlags, method: string, params?: unknown): Promise<unknown> {
  const { config } = commandContext(flags);
  return callGateway({ url: gatewayWsUrl(config), ...config.gateway.auth }, method, params);
}

interface NodeRow {
  nodeId: string;
  displayName?: string;
  platform?: string;
  paired: boolean;
  connected: boolean;
  commands: string[];
}

/** `nodes list` / `nodes status`: every known node and whether it is connected. */
export async function runNodesList(flags: NodesFlags, write: Write = stdout): Promise<number> {
  const result = (await call(flags, 'node.list')) as { nodes: NodeRow[] };
  if (flags.json) {
    write(`${JSON.stringify(result.nodes, null, 2)}\n`);
    return 0;
  }
  if (result.nodes.length === 0)
    write('No nodes. Start one with `clawdbot node run --gateway ws://…`.\n');
  for (const node of result.nodes) {
    const state = node.connected ? 'connected' : node.paired ? 'paired, offline' : 'not paired';
    write(
      `${node.nodeId}  ${node.displayName ?? ''}  ${node.platform ?? ''}  ${state}  ${node.commands.join(',')}\n`,
    );
  }
  return 0;
}

/** `nodes pending`: pair requests waiting for the owner. */
export async function runNodesPending(flags: NodesFlags, write: Write = stdout): Promise<number> {
  const result = (await call(flags, 'node.pair.list')) as {
    pending: { requestId: string; nodeId: string; displayName?: string; ts: number }[];
  };
  if (flags.json) {
    write(`${JSON.stringify(result.pending, null, 2)}\n`);
    return 0;
  }
  if (result.pending.length === 0) write('No pending node pair requests.\n');
  for (const request of result.pending)
    write(
      `${request.requestId}  ${request.nodeId}  ${request.displayName ?? ''}  ${new Date(request.ts).toISOString()}\n`,
    );
  return 0;
}

async function decide(
  method: 'node.pair.approve' | 'node.pair.reject' | 'node.pair.revoke',
  params: Record<string, string>,
  done: string,
  flags: NodesFlags,
  write: Write,
): Promise<number> {
  try {
    await call(flags, method, params);
    write(`${done}\n`);
    return 0;
  } catch (error) {
    if (
      error instanceof ClawdbotError &&
      (error.code === 'NOT_FOUND' || error.code === 'UNAVAILABLE')
    ) {
      write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** `nodes approve <requestId|nodeId>`. */
export function runNodesApprove(id: string, flags: NodesFlags, write: Write = stdout) {
  return decide(
    'node.pair.approve',
    { requestId: id },
    `Approved node request ${id}.`,
    flags,
    write,
  );
}

/** `nodes reject <requestId|nodeId>`. */
export function runNodesReject(id: string, flags: NodesFlags, write: Write = stdout) {
  return decide(
    'node.pair.reject',
    { requestId: id },
    `Rejected node request ${id}.`,
    flags,
    write,
  );
}

/** `nodes revoke <nodeId>`: its device token stops working. */
export function runNodesRevoke(nodeId: string, flags: NodesFlags, write: Write = stdout) {
  return decide('node.pair.revoke', { nodeId }, `Revoked node ${nodeId}.`, flags, write);
}

/** `nodes describe <nodeId>`. */
export async function runNodesDescribe(nodeId: string, flags: NodesFlags, write: Write = stdout) {
  write(`${JSON.stringify(await call(flags, 'node.describe', { nodeId }), null, 2)}\n`);
  return 0;
}

/** `nodes invoke <nodeId> <command> [--params JSON]`: run one command (operator's own call). */
export async function runNodesInvoke(
  nodeId: string,
  command: string,
  flags: NodesFlags & { params?: string; timeout?: string },
  write: Write = stdout,
): Promise<number> {
  const params: unknown = flags.params !== undefined ? JSON.parse(flags.params) : undefined;
  const timeoutMs = flags.timeout !== undefined ? Number(flags.timeout) : undefined;
  const result = (await call(flags, 'node.invoke', {
    nodeId,
    command,
    ...(params !== undefined ? { params } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    idempotencyKey: `cli-${Date.now()}`,
  })) as { payload: unknown };
  write(`${JSON.stringify(result.payload, null, 2)}\n`);
  return 0;
}
