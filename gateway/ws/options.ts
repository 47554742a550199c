/** Limits and intervals of the WebSocket server; every one can be overridden (tests shorten them). */
export interface WsOptions {
  /** Largest inbound frame in bytes; larger frames close the socket with 1009. */
  maxPayload: number;
  /** Largest frame accepted before `connect` succeeds (unauthenticated peers get less). */
  maxPreauthPayload: number;
  /** Outbound bytes a client may leave unread before it is closed as a slow consumer. */
  maxBufferedBytes: number;
  /** Time a client has to complete `connect` after the socket opens. */
  handshakeTimeoutMs: number;
  /** Interval of the `tick` keepalive event. */
  tickIntervalMs: number;
  /** Interval of the health probe whose result is broadcast as a `health` event. */
  healthIntervalMs: number;
  /** Per-connection request rate: sustained requests per second and burst size. */
  rateLimit: { perSecond: number; burst: number };
  /** How long a closing socket may take to flush before it is destroyed. */
  closeGraceMs: number;
  /** Presence changes within this window go out as one broadcast of the latest list. */
  presenceCoalesceMs: number;
  /** How long shutdown waits for clients to acknowledge 1012 (within fastify's close budget). */
  shutdownGraceMs: number;
}

/** The defaults: OpenClaw's published policy values. */
export const defaultWsOptions: WsOptions = {
  maxPayload: 512 * 1024,
  maxPreauthPayload: 64 * 1024,
  maxBufferedBytes: 1.5 * 1024 * 1024,
  handshakeTimeoutMs: 10_000,
  tickIntervalMs: 30_000,
  healthIntervalMs: 60_000,
  rateLimit: { perSecond: 50, burst: 100 },
  closeGraceMs: 5_000,
  shutdownGraceMs: 2_000,
  presenceCoalesceMs: 1_000,
};

/** Defaults overridden by what was given. */
export function resolveWsOptions(overrides: Partial<WsOptions> = {}): WsOptions {
  return { ...defaultWsOptions, ...overrides };
}
