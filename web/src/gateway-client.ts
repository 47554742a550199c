// The Control UI's one WebSocket connection to the gateway (protocol v3), shared by every
// view through the contract's GatewayRpc. The handshake is WebChat's: wait for the
// `connect.challenge` event, answer with a `connect` request as an operator, then
// requests and events flow until the socket closes; it reconnects with backoff unless the
// gateway refused the credentials (retrying would fail the same way).
import type { GatewayErrorShape, GatewayHello, GatewayRpc } from './contract.js';

/** How the client describes itself in `connect` (free strings; see the protocol README). */
const CLIENT_INFO = { id: 'control-ui', version: '0.1.0', platform: 'web', mode: 'ui' };
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

/** What the connection is doing, for the shell's status line. */
export type ConnectionState = 'connecting' | 'online' | 'offline' | 'auth-failed';

/** A status change: the state and a sentence for people. */
export interface ConnectionStatus {
  state: ConnectionState;
  detail: string;
}

/** A failed request: `code` is the gateway's stable error code (UNAVAILABLE when offline). */
export class GatewayRequestError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(error: GatewayErrorShape) {
    super(error.message);
    this.name = 'GatewayRequestError';
    this.code = error.code;
    this.details = error.details;
  }
}

/** What the client needs from the page. */
export interface GatewayClientOptions {
  /** ws:// or wss:// address of the gateway (the page's own origin). */
  url: string;
  /** The stored token or password, read at each connect (it may change in between). */
  secret: () => string | undefined;
  onStatus: (status: ConnectionStatus) => void;
}

interface Waiter {
  resolve: (payload: unknown) => void;
  reject: (error: Error) => void;
}

type EventHandler = (payload: unknown, event: string) => void;

interface Frame {
  type?: string;
  id?: string;
  ok?: boolean;
  payload?: unknown;
  error?: GatewayErrorShape;
  event?: string;
}

// crypto.randomUUID exists only in secure contexts; a LAN address over http is not one.
function requestId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
}

/** The connection; call start() once, stop() to close it for good. */
export class GatewayClient implements GatewayRpc {
  private socket: WebSocket | undefined;
  private currentHello: GatewayHello | undefined;
  private readonly pending = new Map<string, Waiter>();
  private readonly eventHandlers = new Map<string, Set<EventHandler>>();
  private readonly connectedHandlers = new Set<(hello: GatewayHello) => void>();
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly options: GatewayClientOptions) {}

  get connected(): boolean {
    return this.currentHello !== undefined && this.socket?.readyState === WebSocket.OPEN;
  }

  get hello(): GatewayHello | undefined {
    return this.currentHello;
  }

  /** Open the connection (and keep it open). */
  start(): void {
    this.stopped = false;
    this.open();
  }

  /** Drop the connection and open a new one at once (after new credentials were entered). */
  reconnect(): void {
    clearTimeout(this.retryTimer);
    this.retryMs = FIRST_RETRY_MS;
    const old = this.socket;
    this.socket = undefined;
    old?.close();
    this.failPending('reconnecting');
    this.open();
  }

  /** Close for good. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.socket?.close();
    this.socket = undefined;
  }

  request<T = unknown>(method: string, params?: unknown): Promise<T> {
    if (!this.connected) {
      return Promise.reject(
        new GatewayRequestError({ code: 'UNAVAILABLE', message: 'not connected to the gateway' }),
      );
    }
    return this.send(this.socket!, method, params) as Promise<T>;
  }

  onEvent(event: string, handler: EventHandler): () => void {
    let handlers = this.eventHandlers.get(event);
    if (!handlers) this.eventHandlers.set(event, (handlers = new Set()));
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  onConnected(handler: (hello: GatewayHello) => void): () => void {
    this.connectedHandlers.add(handler);
    return () => this.connectedHandlers.delete(handler);
  }

  private send(ws: WebSocket, method: string, params: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = requestId();
      this.pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ type: 'req', id, method, params }));
    });
  }

  private open(): void {
    this.options.onStatus({ state: 'connecting', detail: 'Connecting…' });
    const ws = new WebSocket(this.options.url);
    this.socket = ws;
    let authFailed = false;
    ws.addEventListener('message', (message) => {
      if (this.socket !== ws) return;
      let frame: Frame;
      try {
        frame = JSON.parse(String(message.data)) as Frame;
      } catch {
        return; // not a frame of ours
      }
      if (frame.type === 'res' && frame.id !== undefined) {
        const waiter = this.pending.get(frame.id);
        this.pending.delete(frame.id);
        if (frame.ok) waiter?.resolve(frame.payload);
        else waiter?.reject(new GatewayRequestError(frame.error ?? unknownError));
      } else if (frame.type === 'event' && frame.event !== undefined) {
        if (frame.event === 'connect.challenge') {
          this.handshake(ws).catch((error: unknown) => {
            // A refused connect (bad token, protocol) fails the same way again: no retries.
            authFailed = error instanceof GatewayRequestError && error.code !== 'UNAVAILABLE';
            this.options.onStatus({
              state: authFailed ? 'auth-failed' : 'offline',
              detail: error instanceof Error ? error.message : String(error),
            });
            if (authFailed) ws.close();
          });
        } else {
          if (frame.event === 'shutdown') {
            this.options.onStatus({ state: 'connecting', detail: 'Gateway restarting…' });
          }
          this.dispatch(frame.event, frame.payload);
        }
      }
    });
    ws.addEventListener('close', () => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      this.currentHello = undefined;
      this.failPending('disconnected from the gateway');
      if (this.stopped || authFailed) return;
      const seconds = Math.max(1, Math.round(this.retryMs / 1000));
      this.options.onStatus({ state: 'offline', detail: `Disconnected; retrying in ${seconds} s` });
      this.retryTimer = setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    });
  }

  private async handshake(ws: WebSocket): Promise<void> {
    const secret = this.options.secret();
    const hello = (await this.send(ws, 'connect', {
      minProtocol: 3,
      maxProtocol: 3,
      client: CLIENT_INFO,
      role: 'operator',
      // The gateway accepts either; the person typed one secret and need not say which.
      ...(secret ? { auth: { token: secret, password: secret } } : {}),
    })) as GatewayHello;
    if (this.socket !== ws) return;
    this.currentHello = hello;
    this.retryMs = FIRST_RETRY_MS;
    this.options.onStatus({ state: 'online', detail: 'Connected' });
    for (const handler of [...this.connectedHandlers]) handler(hello);
  }

  private dispatch(event: string, payload: unknown): void {
    for (const name of [event, '*']) {
      for (const handler of [...(this.eventHandlers.get(name) ?? [])]) {
        try {
          handler(payload, event);
        } catch (error) {
          // One view's bug must not stop the others from hearing the event.
          console.error(`event handler for ${event} failed`, error);
        }
      }
    }
  }

  private failPending(reason: string): void {
    for (const waiter of this.pending.values()) {
      waiter.reject(new GatewayRequestError({ code: 'UNAVAILABLE', message: reason }));
    }
    this.pending.clear();
  }
}

const unknownError: GatewayErrorShape = { code: 'UNKNOWN', message: 'the request failed' };
