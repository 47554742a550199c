// The Socket Mode half of the fake: a WebSocket server behind the single-use URLs that
// apps.connections.open hands out. Per Slack's documented protocol it greets each connection
// with `hello`, pushes `events_api` envelopes that the app must acknowledge by sending back
// `{envelope_id}`, redelivers envelopes that stay un-acknowledged (retry_attempt + 1), and can
// ask a client to reconnect (`disconnect`) or drop its connection outright.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** How one delivery attempt of an envelope went. */
export interface EnvelopeDelivery {
  envelopeId: string;
  attempt: number;
  /** Set once the app acknowledged this envelope (on any attempt). */
  ackedAt?: number;
}

interface PendingEnvelope {
  envelopeId: string;
  payload: Record<string, unknown>;
  /** Delivery attempts so far; retry_attempt of the next one. */
  attempts: number;
  reason: string;
  timer?: NodeJS.Timeout;
}

/** Socket Mode knobs (Slack's own values are the defaults). */
export interface SocketModeOptions {
  appId: string;
  /** How long an envelope may wait for its ack before it is sent again. */
  ackTimeoutMs: number;
  /** Redeliveries after the first attempt before Slack gives up on an envelope. */
  maxRetries: number;
}

/** The WebSocket side of the fake Slack. */
export class FakeSocketMode {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly sockets = new Set<WebSocket>();
  /** Envelopes waiting for an ack, in delivery order; queued while nobody is connected. */
  private readonly pending = new Map<string, PendingEnvelope>();
  /** Every envelope ever pushed, with its ack state. */
  readonly envelopes = new Map<string, EnvelopeDelivery>();
  private readonly payloads = new Map<string, Record<string, unknown>>();
  /** Connections ever opened (reconnects count). */
  connectionCount = 0;
  private closed = false;

  constructor(private readonly options: SocketModeOptions) {}

  /** A fresh single-use connection URL on `wsBase` (ws://host:port). */
  openUrl(wsBase: string): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${wsBase}/link/?ticket=${ticket}&app_id=${this.options.appId}`;
  }

  /** Number of open connections. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** Take over an HTTP upgrade for /link/?ticket=...; refuses unknown or used tickets. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://fake');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/link/' || !this.tickets.delete(ticket) || this.closed) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws));
  }

  /** Push an Events API payload (an `event_callback` body) as an envelope; returns its id. */
  push(payload: Record<string, unknown>): string {
    const envelope: PendingEnvelope = {
      envelopeId: randomUUID(),
      payload,
      attempts: 0,
      reason: '',
    };
    this.envelopes.set(envelope.envelopeId, { envelopeId: envelope.envelopeId, attempt: 0 });
    this.payloads.set(envelope.envelopeId, payload);
    this.pending.set(envelope.envelopeId, envelope);
    this.deliver(envelope);
    return envelope.envelopeId;
  }

  /**
   * Send an envelope again under its id with retry_attempt + 1, as Slack's retry does (also
   * one the app already acknowledged: an ack lost on the way looks like that to Slack).
   */
  redeliver(envelopeId: string, reason = 'timeout'): void {
    const payload = this.payloads.get(envelopeId);
    if (!payload) throw new Error(`no envelope ${envelopeId}`);
    const envelope = this.pending.get(envelopeId) ?? {
      envelopeId,
      payload,
      attempts: this.envelopes.get(envelopeId)?.attempt ?? 0,
      reason,
    };
    envelope.attempts += 1;
    envelope.reason = reason;
    this.pending.set(envelopeId, envelope);
    this.deliver(envelope);
  }

  /** Ask every client to reconnect, as Slack does before recycling a connection. */
  requestReconnect(
    reason: 'warning' | 'refresh_requested' | 'link_disabled' = 'refresh_requested',
  ) {
    for (const socket of this.sockets) {
      socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake' } }));
    }
  }

  /** Cut every connection without a close frame (a network failure). */
  dropConnections(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  /** Close everything; pending envelopes are never delivered. */
  close(): void {
    this.closed = true;
    for (const envelope of this.pending.values()) clearTimeout(envelope.timer);
    this.pending.clear();
    for (const socket of this.sockets) socket.terminate();
    this.server.close();
  }

  private accept(ws: WebSocket): void {
    this.sockets.add(ws);
    this.connectionCount += 1;
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const bytes = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(new Uint8Array(data));
      this.onClientMessage(bytes.toString('utf8'));
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.options.appId },
      }),
    );
    // Envelopes that had nowhere to go (no connection) go out on the new one.
    for (const envelope of this.pending.values()) {
      if (envelope.timer === undefined) this.deliver(envelope);
    }
  }

  private onClientMessage(text: string): void {
    let message: { envelope_id?: unknown };
    try {
      message = JSON.parse(text) as { envelope_id?: unknown };
    } catch {
      return;
    }
    if (typeof message.envelope_id !== 'string') return;
    const envelope = this.pending.get(message.envelope_id);
    const record = this.envelopes.get(message.envelope_id);
    if (record && record.ackedAt === undefined) record.ackedAt = Date.now();
    if (envelope) {
      clearTimeout(envelope.timer);
      this.pending.delete(envelope.envelopeId);
    }
  }

  /** Send an envelope on the newest connection and arm its ack timer. */
  private deliver(envelope: PendingEnvelope): void {
    clearTimeout(envelope.timer);
    envelope.timer = undefined;
    const socket = [...this.sockets].at(-1);
    if (!socket || this.closed) return; // delivered when a connection arrives
    const record = this.envelopes.get(envelope.envelopeId);
    if (record) record.attempt = envelope.attempts;
    socket.send(
      JSON.stringify({
        envelope_id: envelope.envelopeId,
        payload: envelope.payload,
        type: 'events_api',
        accepts_response_payload: false,
        retry_attempt: envelope.attempts,
        retry_reason: envelope.reason,
      }),
    );
    envelope.timer = setTimeout(() => {
      envelope.attempts += 1;
      envelope.reason = 'timeout';
      if (envelope.attempts > this.options.maxRetries) {
        this.pending.delete(envelope.envelopeId);
        return;
      }
      this.deliver(envelope);
    }, this.options.ackTimeoutMs);
    envelope.timer.unref();
  }
}
