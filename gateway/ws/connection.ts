/**
 * One client socket: challenge, handshake, then requests answered by the method
 * registry, with the per-connection limits (pre-auth frame size, request rate, unread
 * bytes). Nothing a client sends can throw out of here: every frame is answered with an
 * error response or ends in a close.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import WebSocket, { type RawData } from 'ws';
import type { Config } from '../../core/config/schema.js';
import { ClawdbotError, toErrorShape, type ErrorShape } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import {
  requestFrameSchema,
  type ConnectParams,
  type HelloOk,
  type ResponseFrame,
} from '../../core/protocol/index.js';
import type { GatewayContext, GatewayMethod, RequestContext } from '../methods/index.js';
import { isLocalRequest } from './auth.js';
import { closeReason, issuesOf, usableId } from './frame-errors.js';
import { checkConnect, CloseCode, type NodeConnectCheck } from './handshake.js';
import type { WsOptions } from './options.js';
import { TokenBucket } from './rate-limit.js';

/** What a connection needs from its server. */
export interface ConnectionHost {
  readonly options: WsOptions;
  readonly logger: Logger;
  readonly methods: ReadonlyMap<string, GatewayMethod>;
  readonly gateway: GatewayContext;
  /** The current config (auth may change with config.patch). */
  config(): Config;
  /** Build hello-ok for a connection that passed the handshake. */
  hello(connection: Connection): Promise<HelloOk>;
  /** hello-ok was sent: the connection starts receiving broadcasts. */
  joined(connection: Connection): void;
  /** The connection ended (called once, whatever the reason). */
  left(connection: Connection): void;
  /** How `role: "node"` connects are checked (absent: like any client). */
  checkNode?: NodeConnectCheck;
}

/** Frames a client may send between `connect` and hello-ok; they are handled after it. */
const MAX_QUEUED_DURING_JOIN = 32;
/** Id of responses to frames that had no usable id (as OpenClaw answers them). */
const NO_ID = 'invalid';
const MALFORMED = Symbol('malformed');

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((total, chunk) => total + chunk.byteLength, 0);
  return data.byteLength;
}

function parseFrame(data: RawData): unknown {
  try {
    return JSON.parse(rawText(data)) as unknown;
  } catch {
    return MALFORMED;
  }
}

/** One client connection. */
export class Connection {
  readonly connId = randomUUID();
  /** The challenge nonce (a signed device identity must echo it). */
  readonly nonce = randomUUID();
  readonly isLocal: boolean;
  /** The accepted connect params, once the handshake passed. */
  session: ConnectParams | undefined;
  /** How the handshake authenticated this connection. */
  authMethod: string | undefined;
  /** Resolves when the socket is closed. */
  readonly closed: Promise<void>;
  private state: 'handshake' | 'joining' | 'open' | 'closed' = 'handshake';
  private readonly queued: RawData[] = [];
  private readonly bucket: TokenBucket;
  private handshakeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: WebSocket,
    readonly request: IncomingMessage,
    private readonly host: ConnectionHost,
  ) {
    this.isLocal = isLocalRequest(request);
    const { perSecond, burst } = host.options.rateLimit;
    this.bucket = new TokenBucket(perSecond, burst);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** The peer's address. */
  get remoteAddress(): string | undefined {
    return this.request.socket.remoteAddress;
  }

  /** Send the challenge and start listening. */
  start(): void {
    this.socket.on('message', (data) => {
      try {
        this.onMessage(data);
      } catch (error) {
        // A bug here must cost this client its connection, not the gateway its process.
        this.host.logger.error('ws message handling failed', { error: String(error) });
        this.close(1011, 'internal error');
      }
    });
    this.socket.on('close', () => this.markClosed());
    // ws reports protocol violations (oversized frames → 1009, bad UTF-8) here and then closes.
    this.socket.on('error', (error) =>
      this.host.logger.debug('ws error', { error: error.message }),
    );
    this.handshakeTimer = setTimeout(
      () => this.close(CloseCode.policyViolation, 'handshake timeout'),
      this.host.options.handshakeTimeoutMs,
    );
    this.sendFrame({
      type: 'event',
      event: 'connect.challenge',
      payload: { nonce: this.nonce, ts: Date.now() },
    });
  }

  /** Send serialized text (broadcasts serialize once); cuts off a client that stopped reading. */
  sendText(text: string): boolean {
    if (this.state === 'closed' || this.socket.readyState !== WebSocket.OPEN) return false;
    if (this.socket.bufferedAmount > this.host.options.maxBufferedBytes) {
      this.close(CloseCode.policyViolation, 'slow consumer');
      return false;
    }
    this.socket.send(text);
    return true;
  }

  /** Close with a code; the socket is destroyed if the peer does not finish closing in time. */
  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.markClosed();
    try {
      this.socket.close(code, closeReason(reason));
    } catch {
      this.socket.terminate();
    }
    // A peer that stopped reading never completes the closing handshake; its unread
    // bytes must not stay in memory for ws's 30 s default.
    setTimeout(() => this.socket.terminate(), this.host.options.closeGraceMs).unref();
  }

  /** Destroy the socket at once. */
  terminate(): void {
    this.markClosed();
    this.socket.terminate();
  }

  private markClosed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.handshakeTimer);
    this.host.left(this);
  }

  /** Send an event to this connection only (no gateway-wide seq), e.g. `node.invoke.request`. */
  sendEvent(event: string, payload: unknown): boolean {
    return this.sendText(JSON.stringify({ type: 'event', event, payload }));
  }

  private sendFrame(frame: object): void {
    this.sendText(JSON.stringify(frame));
  }

  private respond(id: string, ok: boolean, payloadOrError: unknown): void {
    const frame: ResponseFrame = ok
      ? { type: 'res', id, ok: true, payload: payloadOrError }
      : { type: 'res', id, ok: false, error: payloadOrError as ErrorShape };
    this.sendFrame(frame);
  }

  private fail(id: string, code: ErrorShape['code'], message: string, details?: unknown): void {
    this.respond(id, false, new ClawdbotError(code, message, details).toShape());
  }

  private onMessage(data: RawData): void {
    switch (this.state) {
      case 'closed':
        return;
      case 'joining':
        if (this.queued.length >= MAX_QUEUED_DURING_JOIN) {
          this.close(CloseCode.policyViolation, 'too many frames before hello-ok');
        } else {
          this.queued.push(data);
        }
        return;
      case 'handshake':
        // Unauthenticated peers get a smaller frame budget than clients.
        if (rawLength(data) > this.host.options.maxPreauthPayload) {
          this.close(CloseCode.tooLarge, 'preauth payload too large');
          return;
        }
        void this.handshake(parseFrame(data));
        return;
      case 'open':
        this.onRequest(parseFrame(data));
        return;
    }
  }

  private async handshake(parsed: unknown): Promise<void> {
    const outcome = checkConnect(parsed, this.host.config(), this.isLocal, this.host.checkNode);
    if (!outcome.ok) {
      if (outcome.id !== undefined) this.respond(outcome.id, false, outcome.error);
      this.close(outcome.closeCode, outcome.closeReason);
      return;
    }
    this.state = 'joining';
    this.session = outcome.params;
    this.authMethod = outcome.authMethod;
    let hello: HelloOk;
    try {
      hello = await this.host.hello(this);
    } catch (error) {
      this.respond(outcome.id, false, toErrorShape(error));
      this.close(1011, 'handshake failed');
      return;
    }
    if (this.state !== 'joining') return;
    this.respond(outcome.id, true, hello);
    this.state = 'open';
    clearTimeout(this.handshakeTimer);
    this.host.joined(this);
    for (const data of this.queued.splice(0)) this.onMessage(data);
  }

  private onRequest(parsed: unknown): void {
    const id = usableId(parsed) ?? NO_ID;
    const retryAfterMs = this.bucket.take();
    if (retryAfterMs > 0) {
      const limit = this.host.options.rateLimit;
      const error = new ClawdbotError('RATE_LIMITED', 'too many requests', limit, retryAfterMs);
      this.respond(id, false, error.toShape());
      return;
    }
    if (parsed === MALFORMED) {
      this.fail(id, 'INVALID_REQUEST', 'invalid request frame: malformed JSON');
      return;
    }
    const frame = requestFrameSchema.safeParse(parsed);
    if (!frame.success) {
      this.fail(id, 'INVALID_REQUEST', 'invalid request frame', {
        issues: issuesOf(frame.error),
      });
      return;
    }
    const name = frame.data.method;
    if (name === 'connect') {
      this.fail(id, 'INVALID_REQUEST', 'already connected');
      return;
    }
    const method = this.host.methods.get(name);
    if (method === undefined) {
      this.fail(id, 'INVALID_REQUEST', `unknown method: ${name}`);
      return;
    }
    // A node may call only the methods meant for nodes, an unpaired one only node.pair.request:
    // a device the owner never approved must not reach the agent.
    const roles = method.roles ?? ['operator'];
    const unpaired = this.authMethod === 'unpaired-node';
    if (!roles.includes(this.session!.role) || (unpaired && !method.allowUnpairedNode)) {
      this.fail(
        id,
        'UNAUTHORIZED',
        `${name} is not allowed for a ${unpaired ? 'node that is not paired' : `${this.session!.role} connection`}`,
      );
      return;
    }
    const params = method.params.safeParse(frame.data.params ?? {});
    if (!params.success) {
      this.fail(id, 'INVALID_REQUEST', `invalid ${name} params`, {
        issues: issuesOf(params.error),
      });
      return;
    }
    void this.dispatch(id, method, params.data);
  }

  private async dispatch(id: string, method: GatewayMethod, params: unknown): Promise<void> {
    const session = this.session!;
    const context: RequestContext = {
      gateway: this.host.gateway,
      connId: this.connId,
      client: session.client,
      role: session.role,
      accept: (payload) => this.respond(id, true, payload),
    };
    try {
      const result: unknown = await method.handler(params, context);
      this.respond(id, true, result);
    } catch (error) {
      const shape = toErrorShape(error);
      if (shape.code === 'INTERNAL') {
        this.host.logger.error(`${method.method} failed`, { error: String(error) });
      }
      this.respond(id, false, shape);
    }
  }
}
