/**
 * Nodes connected right now, and the invokes sent to them that wait for a result. A node
 * that disconnects fails its waiting invokes at once: a command in flight is reported as
 * failed to its caller, never resent to the node when it comes back.
 */
import { randomUUID } from 'node:crypto';
import { ClawdbotError } from '../../core/errors.js';
import type { ConnectParams } from '../../core/protocol/index.js';

/** Default wait for a node's answer (OpenClaw's). */
export const DEFAULT_INVOKE_TIMEOUT_MS = 30_000;

/** How the registry reaches one node connection. */
export interface NodeLink {
  connId: string;
  /** Send an event frame to this connection only; false when it is gone. */
  send(event: string, payload: unknown): boolean;
  /** Close the connection (revocation). */
  close(code: number, reason: string): void;
}

/** A connected node as node.list and node.describe report it. */
export interface NodeSession {
  nodeId: string;
  connId: string;
  /** True once the node authenticated with its device token; unpaired nodes may only ask to pair. */
  paired: boolean;
  displayName?: string;
  platform?: string;
  version?: string;
  deviceFamily?: string;
  modelIdentifier?: string;
  remoteIp?: string;
  caps: string[];
  commands: string[];
  permissions?: Record<string, boolean>;
  pathEnv?: string;
  connectedAtMs: number;
}

/** A node's answer to an invoke (OpenClaw's `node.invoke.result` fields). */
export interface NodeInvokeResult {
  ok: boolean;
  payload?: unknown;
  payloadJSON?: string | null;
  error?: { code?: string; message?: string } | null;
}

interface PendingInvoke {
  nodeId: string;
  command: string;
  resolve(result: NodeInvokeResult): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** The stable id of a connecting node: its device identity, else its client id (as OpenClaw). */
export function nodeIdOf(params: Pick<ConnectParams, 'device' | 'client'>): string {
  return params.device?.id ?? params.client.id;
}

/** Connected nodes of one gateway. */
export class NodeRegistry {
  private readonly byId = new Map<string, { session: NodeSession; link: NodeLink }>();
  private readonly pending = new Map<string, PendingInvoke>();

  /** Add a node connection (a reconnect replaces the old one). */
  register(
    link: NodeLink,
    params: ConnectParams,
    paired: boolean,
    remoteIp: string | undefined,
  ): NodeSession {
    const nodeId = nodeIdOf(params);
    const previous = this.byId.get(nodeId);
    if (previous && previous.link.connId !== link.connId) {
      this.failPending(nodeId, 'the node reconnected');
      previous.link.close(1008, 'replaced by a newer connection');
    }
    const { client } = params;
    const session: NodeSession = {
      nodeId,
      connId: link.connId,
      paired,
      caps: [...new Set(params.caps ?? [])].sort(),
      commands: [...new Set(params.commands ?? [])].sort(),
      connectedAtMs: Date.now(),
      ...(client.displayName !== undefined ? { displayName: client.displayName } : {}),
      platform: client.platform,
      version: client.version,
      ...(client.deviceFamily !== undefined ? { deviceFamily: client.deviceFamily } : {}),
      ...(client.modelIdentifier !== undefined ? { modelIdentifier: client.modelIdentifier } : {}),
      ...(remoteIp !== undefined ? { remoteIp } : {}),
      ...(params.permissions !== undefined ? { permissions: params.permissions } : {}),
      ...(params.pathEnv !== undefined ? { pathEnv: params.pathEnv } : {}),
    };
    this.byId.set(nodeId, { session, link });
    return session;
  }

  /** Remove a connection; its waiting invokes fail. Returns the node id it served. */
  unregister(connId: string): string | undefined {
    for (const [nodeId, entry] of this.byId) {
      if (entry.link.connId !== connId) continue;
      this.byId.delete(nodeId);
      this.failPending(nodeId, 'the node disconnected');
      return nodeId;
    }
    return undefined;
  }

  /** Connected nodes (paired or not). */
  list(): NodeSession[] {
    return [...this.byId.values()].map((entry) => entry.session);
  }

  /** One connected node. */
  get(nodeId: string): NodeSession | undefined {
    return this.byId.get(nodeId)?.session;
  }

  /** The node served by a connection. */
  byConnection(connId: string): NodeSession | undefined {
    for (const entry of this.byId.values()) if (entry.link.connId === connId) return entry.session;
    return undefined;
  }

  /** Send an event to one node's connection. */
  sendEvent(nodeId: string, event: string, payload: unknown): boolean {
    return this.byId.get(nodeId)?.link.send(event, payload) ?? false;
  }

  /** Close a node's connection (its token was revoked). */
  disconnect(nodeId: string, reason: string): void {
    const entry = this.byId.get(nodeId);
    if (!entry) return;
    this.unregister(entry.link.connId);
    entry.link.close(1008, reason);
  }

  /**
   * Send `node.invoke.request` to a paired, connected node and wait for its result.
   * Throws ClawdbotError UNAVAILABLE (details.code NOT_CONNECTED, NODE_DISCONNECTED, TIMEOUT).
   */
  async invoke(request: {
    nodeId: string;
    command: string;
    params?: unknown;
    timeoutMs?: number;
    idempotencyKey?: string;
  }): Promise<NodeInvokeResult> {
    const entry = this.byId.get(request.nodeId);
    if (!entry || !entry.session.paired) {
      throw new ClawdbotError('UNAVAILABLE', `node ${request.nodeId} is not connected`, {
        code: 'NOT_CONNECTED',
      });
    }
    const id = randomUUID();
    const timeoutMs = request.timeoutMs ?? DEFAULT_INVOKE_TIMEOUT_MS;
    return new Promise<NodeInvokeResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new ClawdbotError(
            'UNAVAILABLE',
            `node ${request.nodeId} did not answer ${request.command} within ${timeoutMs} ms`,
            { code: 'TIMEOUT' },
          ),
        );
      }, timeoutMs);
      this.pending.set(id, {
        nodeId: request.nodeId,
        command: request.command,
        resolve,
        reject,
        timer,
      });
      const sent = entry.link.send('node.invoke.request', {
        id,
        nodeId: request.nodeId,
        command: request.command,
        paramsJSON: request.params === undefined ? null : JSON.stringify(request.params),
        timeoutMs,
        ...(request.idempotencyKey !== undefined ? { idempotencyKey: request.idempotencyKey } : {}),
      });
      if (!sent) this.settle(id, new Error('the node connection is closing'));
    });
  }

  /** A node's result; false when nothing waits for it (late, or after a timeout). */
  resolve(id: string, nodeId: string, result: NodeInvokeResult): boolean {
    const waiting = this.pending.get(id);
    if (!waiting || waiting.nodeId !== nodeId) return false;
    clearTimeout(waiting.timer);
    this.pending.delete(id);
    waiting.resolve(result);
    return true;
  }

  private settle(id: string, error: Error): void {
    const waiting = this.pending.get(id);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.pending.delete(id);
    waiting.reject(
      new ClawdbotError('UNAVAILABLE', `node ${waiting.nodeId}: ${error.message}`, {
        code: 'NODE_DISCONNECTED',
      }),
    );
  }

  private failPending(nodeId: string, why: string): void {
    for (const [id, waiting] of this.pending) {
      if (waiting.nodeId !== nodeId) continue;
      this.settle(id, new Error(`${why} while ${waiting.command} was running; it was not retried`));
    }
  }
}
