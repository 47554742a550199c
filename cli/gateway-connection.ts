/**
 * A CLI's open connection to the gateway: the handshake once, then any number of requests
 * and the broadcast events between them (`clawdbot agent` and `chat` watch `chat` events
 * while their turn runs). `callGateway` stays the one-shot form for single calls.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { ClawdbotError, type ErrorCode } from '../core/errors.js';
import { gatewayFrameSchema, type EventFrame, type ResponseFrame } from '../core/protocol/index.js';
import {
  cliConnectParams,
  GatewayUnreachableError,
  type GatewayCallOptions,
} from './gateway-client.js';

/** Options of one request. */
export interface RequestOptions {
  /** Called with an early answer (`agent` answers "accepted" before the outcome). */
  onAccepted?: (payload: unknown) => void;
  /** Give up after this long (default: the connection's timeout). */
  timeoutMs?: number;
}

/** An authenticated connection to the gateway. */
export interface GatewayConnection {
  request(method: string, params?: unknown, options?: RequestOptions): Promise<unknown>;
  /** Listen to broadcast events; returns the unsubscribe function. */
  onEvent(listener: (frame: EventFrame) => void): () => void;
  close(): void;
}

interface Pending {
  resolve(payload: unknown): void;
  reject(error: Error): void;
  options: RequestOptions;
  accepted: boolean;
  timer: NodeJS.Timeout;
}

function failure(frame: ResponseFrame): ClawdbotError {
  return new ClawdbotError(
    (frame.error?.code ?? 'INTERNAL') as ErrorCode,
    frame.error?.message ?? 'request failed',
    frame.error?.details,
  );
}

/** Connect and authenticate; rejects with GatewayUnreachableError when nothing answers. */
export async function openGateway(options: GatewayCallOptions): Promise<GatewayConnection> {
  const socket = new WebSocket(options.url);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const pending = new Map<string, Pending>();
  const listeners = new Set<(frame: EventFrame) => void>();
  let closedError: Error | undefined;

  const send = (id: string, method: string, params?: unknown) =>
    socket.send(JSON.stringify({ type: 'req', id, method, params }));

  const failAll = (error: Error) => {
    closedError ??= error;
    for (const [id, entry] of pending) {
      clearTimeout(entry.timer);
      pending.delete(id);
      entry.reject(error);
    }
  };

  const request: GatewayConnection['request'] = (method, params, requestOptions = {}) =>
    new Promise<unknown>((resolve, reject) => {
      if (closedError) {
        reject(closedError);
        return;
      }
      const id = randomUUID();
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new ClawdbotError('AGENT_TIMEOUT', `gateway did not answer ${method}`));
      }, requestOptions.timeoutMs ?? timeoutMs);
      pending.set(id, { resolve, reject, options: requestOptions, accepted: false, timer });
      send(id, method, params);
    });

  socket.on('message', (data: Buffer) => {
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString('utf8'));
    } catch {
      return;
    }
    const parsed = gatewayFrameSchema.safeParse(raw);
    if (!parsed.success) return;
    const frame = parsed.data;
    if (frame.type === 'event') {
      for (const listener of listeners) listener(frame);
      return;
    }
    if (frame.type !== 'res') return;
    const entry = pending.get(frame.id);
    if (!entry) return;
    // `agent` answers twice with one id: an accepted payload first, then the outcome.
    const payload = frame.payload as { status?: unknown } | undefined;
    if (frame.ok && !entry.accepted && entry.options.onAccepted && payload?.status === 'accepted') {
      entry.accepted = true;
      entry.options.onAccepted(frame.payload);
      return;
    }
    clearTimeout(entry.timer);
    pending.delete(frame.id);
    if (frame.ok) entry.resolve(frame.payload);
    else entry.reject(failure(frame));
  });

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new GatewayUnreachableError(`no answer from ${options.url}`));
    }, timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once('error', (error) => fail(new GatewayUnreachableError(error.message)));
    socket.once('close', () =>
      fail(new GatewayUnreachableError('the gateway closed the connection')),
    );
    const onChallenge = (frame: EventFrame) => {
      if (frame.event !== 'connect.challenge') return;
      listeners.delete(onChallenge);
      request('connect', cliConnectParams(options)).then(() => {
        clearTimeout(timer);
        resolve();
      }, fail);
    };
    listeners.add(onChallenge);
  });

  socket.removeAllListeners('error');
  socket.removeAllListeners('close');
  socket.on('error', (error) => failAll(new GatewayUnreachableError(error.message)));
  socket.on('close', () =>
    failAll(new GatewayUnreachableError('the gateway closed the connection')),
  );

  return {
    request,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      failAll(new GatewayUnreachableError('connection closed'));
      socket.removeAllListeners('close');
      socket.on('error', () => undefined);
      socket.close();
    },
  };
}
