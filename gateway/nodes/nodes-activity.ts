/**
 * The `nodes.call` activity: the nodes tool's I/O, run in the gateway process because the
 * node sockets are there. The turn workflow schedules it on the gateway's own task queue
 * (`<taskQueue>@gateway`), so no worker needs the gateway's address or credentials, and a
 * gateway that is down shows up as a call nobody picked up. Every outcome the model can act
 * on is a result, not a thrown error; a node command is never retried (maximumAttempts 1).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ClawdbotError } from '../../core/errors.js';
import type { NodesToolRequest } from '../../activities/tools/nodes.js';
import { describeNodes, type NodeView } from './describe.js';
import type { GatewayNodes } from './gateway-nodes.js';
import { invokeNode } from './invoke.js';
import { approvePairing, rejectPairing } from './pair-decisions.js';

/** Input of `nodes.call`. */
export interface NodesCallInput {
  request: NodesToolRequest;
  /** The owner approved this run in the turn (the node runs it although its allowlist does not). */
  approved: boolean;
  idempotencyKey: string;
}

/** Output of `nodes.call`. */
export interface NodesCallOutput {
  text: string;
  isError: boolean;
  /** The node asks for the owner's approval before running this command. */
  approvalRequired?: { nodeId: string; command: string[] };
}

/** The activities the gateway's nodes worker serves. */
export interface NodeActivities {
  'nodes.call'(input: NodesCallInput): Promise<NodesCallOutput>;
}

/** The gateway's task queue for node calls. */
export function nodesTaskQueue(taskQueue: string): string {
  return `${taskQueue}@gateway`;
}

const RUN_TIMEOUT_MS = 120_000;
/** Model-facing output is capped; the node already caps each stream. */
const TEXT_CAP = 20_000;

const commandOf: Record<
  Exclude<NodesToolRequest['action'], 'status' | 'describe' | 'pending' | 'approve' | 'reject'>,
  string
> = {
  notify: 'system.notify',
  run: 'system.run',
  camera_snap: 'camera.snap',
  screen_record: 'screen.record',
  location_get: 'location.get',
};

function summary(node: NodeView): string {
  const state = node.connected ? 'connected' : node.paired ? 'paired, offline' : 'asking to pair';
  return `- ${node.nodeId}${node.displayName ? ` (${node.displayName})` : ''}: ${state}; commands: ${node.commands.join(', ') || 'none'}`;
}

/** Pick the node for a command: the one named, else the first connected node offering it. */
function pickNode(nodes: GatewayNodes, command: string, wanted: string | undefined): NodeView {
  const all = describeNodes(nodes);
  const connected = all.filter((node) => node.connected);
  const list = connected.map(summary).join('\n') || '(no node is connected)';
  if (wanted !== undefined) {
    const node = all.find(
      (candidate) => candidate.nodeId === wanted || candidate.displayName === wanted,
    );
    if (!node)
      throw new ClawdbotError('NOT_FOUND', `No node "${wanted}". Connected nodes:\n${list}`);
    if (!node.connected)
      throw new ClawdbotError(
        'UNAVAILABLE',
        `Node "${wanted}" is not connected. Connected nodes:\n${list}`,
      );
    if (!node.commands.includes(command))
      throw new ClawdbotError(
        'INVALID_REQUEST',
        `Node "${wanted}" does not offer ${command}. Connected nodes:\n${list}`,
      );
    return node;
  }
  const node = connected.find((candidate) => candidate.commands.includes(command));
  if (!node)
    throw new ClawdbotError(
      'UNAVAILABLE',
      `No connected node offers ${command}. Connected nodes:\n${list}\nA machine becomes a node with \`clawdbot node run --gateway ws://…\`; a phone needs a companion app that offers ${command}.`,
    );
  return node;
}

function failureText(error: unknown, command: string, nodeId: string): string {
  if (!(error instanceof ClawdbotError))
    return error instanceof Error ? error.message : String(error);
  const code = (error.details as { code?: string } | undefined)?.code;
  if (code === 'NODE_DISCONNECTED')
    return `Node ${nodeId} disconnected while ${command} was running. It may or may not have finished; it was not retried. (${error.message})`;
  if (code === 'TIMEOUT')
    return `Node ${nodeId} did not answer ${command} in time: ${error.message}`;
  return `${command} on node ${nodeId} failed: ${error.message}`;
}

function runText(nodeId: string, payload: unknown): { text: string; isError: boolean } {
  const exit = payload as {
    exitCode?: number | null;
    timedOut?: boolean;
    stdout?: string;
    stderr?: string;
    signal?: string | null;
  };
  const status = exit.timedOut
    ? 'timed out and was killed'
    : exit.exitCode === null
      ? `was killed (${exit.signal ?? 'signal'})`
      : `exited with code ${exit.exitCode}`;
  const parts = [`Command on node ${nodeId} ${status}.`];
  if (exit.stdout) parts.push(`stdout:\n${exit.stdout}`);
  if (exit.stderr) parts.push(`stderr:\n${exit.stderr}`);
  return {
    text: parts.join('\n').slice(0, TEXT_CAP),
    isError: exit.exitCode !== 0 || exit.timedOut === true,
  };
}

function saveMedia(
  workspaceDir: string,
  nodeId: string,
  payload: unknown,
  fallback: string,
): string {
  const media = payload as { base64?: string; format?: string };
  if (typeof media.base64 !== 'string') throw new Error('the node sent no media');
  const dir = join(workspaceDir, 'nodes');
  mkdirSync(dir, { recursive: true });
  const name = `${nodeId.replace(/[^\w.-]/g, '_')}-${Date.now()}.${media.format ?? fallback}`;
  writeFileSync(join(dir, name), Buffer.from(media.base64, 'base64'));
  return `nodes/${name}`;
}

/** Create the gateway's node activities. */
export function createNodeActivities(deps: {
  nodes: GatewayNodes;
  workspaceDir: string;
}): NodeActivities {
  const { nodes } = deps;
  const call = async ({
    request,
    approved,
    idempotencyKey,
  }: NodesCallInput): Promise<NodesCallOutput> => {
    switch (request.action) {
      case 'status': {
        const all = describeNodes(nodes);
        return {
          text:
            all.length === 0 ? 'No nodes are paired or connected.' : all.map(summary).join('\n'),
          isError: false,
        };
      }
      case 'describe': {
        const node = describeNodes(nodes).find(
          (n) => n.nodeId === request.node || n.displayName === request.node,
        );
        return node
          ? { text: JSON.stringify(node, null, 2), isError: false }
          : { text: `No node "${request.node}".`, isError: true };
      }
      case 'pending': {
        const { pending } = nodes.pairing.list();
        return {
          text:
            pending.length === 0
              ? 'No pair requests are waiting.'
              : pending
                  .map(
                    (p) =>
                      `- ${p.requestId}: node ${p.nodeId}${p.displayName ? ` (${p.displayName})` : ''}, commands: ${p.commands.join(', ')}`,
                  )
                  .join('\n'),
          isError: false,
        };
      }
      case 'approve':
      case 'reject': {
        const decided =
          request.action === 'approve'
            ? approvePairing(nodes, request.requestId).requestId
            : rejectPairing(nodes, request.requestId).requestId;
        return {
          text: `${request.action === 'approve' ? 'Approved' : 'Rejected'} pair request ${decided}.`,
          isError: false,
        };
      }
      case 'notify':
      case 'run':
      case 'camera_snap':
      case 'screen_record':
      case 'location_get':
        break;
    }
    const command = commandOf[request.action];
    const node = pickNode(nodes, command, request.node);
    const params: unknown =
      request.action === 'run'
        ? {
            command: request.command,
            ...(request.cwd !== undefined ? { cwd: request.cwd } : {}),
            ...(request.env !== undefined ? { env: request.env } : {}),
            timeoutMs: request.timeoutMs ?? RUN_TIMEOUT_MS,
            approved,
          }
        : request.action === 'notify'
          ? { body: request.body, ...(request.title !== undefined ? { title: request.title } : {}) }
          : request.action === 'screen_record'
            ? { durationMs: request.durationMs }
            : {};
    const waitMs =
      request.action === 'run' ? (request.timeoutMs ?? RUN_TIMEOUT_MS) + 10_000 : 60_000;
    // Liveness for Temporal while the node works (a dead gateway is noticed by the heartbeat timeout).
    const beat = setInterval(() => Context.current().heartbeat(), 5_000);
    try {
      const outcome = await invokeNode(nodes, {
        nodeId: node.nodeId,
        command,
        params,
        timeoutMs: waitMs,
        idempotencyKey,
      });
      switch (request.action) {
        case 'run':
          return runText(node.nodeId, outcome.payload);
        case 'camera_snap':
        case 'screen_record':
          return {
            text: `Saved to ${saveMedia(deps.workspaceDir, node.nodeId, outcome.payload, request.action === 'camera_snap' ? 'jpg' : 'mp4')} in the workspace.`,
            isError: false,
          };
        case 'notify':
        case 'location_get':
          return {
            text: `${command} on node ${node.nodeId}: ${JSON.stringify(outcome.payload)}`.slice(
              0,
              TEXT_CAP,
            ),
            isError: false,
          };
      }
    } catch (error) {
      const code =
        error instanceof ClawdbotError
          ? (error.details as { code?: string } | undefined)?.code
          : undefined;
      if (code === 'APPROVAL_REQUIRED' && request.action === 'run' && !approved)
        return {
          text: error instanceof Error ? error.message : String(error),
          isError: true,
          approvalRequired: { nodeId: node.nodeId, command: request.command },
        };
      return { text: failureText(error, command, node.nodeId), isError: true };
    } finally {
      clearInterval(beat);
    }
  };
  return {
    'nodes.call': async (input) => {
      try {
        return await call(input);
      } catch (error) {
        // Picking a node or deciding a request failed: the model reads why.
        return { text: error instanceof Error ? error.message : String(error), isError: true };
      }
    },
  };
}
