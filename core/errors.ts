/**
 * Every error a user or client can see, in one table: a stable code, the HTTP status
 * it maps to, and whether retrying the same request can succeed.
 */
export const errorTable = {
  INVALID_REQUEST: {
    status: 400,
    retryable: false,
    doc: 'The request is malformed or its params are invalid.',
  },
  UNAUTHORIZED: { status: 401, retryable: false, doc: 'Missing or wrong token or password.' },
  NOT_PAIRED: { status: 403, retryable: false, doc: 'The device is not paired with this gateway.' },
  NOT_FOUND: {
    status: 404,
    retryable: false,
    doc: 'The named session, run or resource does not exist.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    retryable: false,
    doc: 'The frame or body exceeds the size limit.',
  },
  RATE_LIMITED: {
    status: 429,
    retryable: true,
    doc: 'Too many requests; retry after retryAfterMs.',
  },
  AGENT_TIMEOUT: { status: 504, retryable: true, doc: 'The agent run did not finish in time.' },
  AGENT_ERROR: {
    status: 502,
    retryable: false,
    doc: 'The agent run ended with an error (e.g. the model provider refused); the message says why.',
  },
  UNAVAILABLE: {
    status: 503,
    retryable: true,
    doc: 'A dependency (Temporal, a worker) is not reachable.',
  },
  INTERNAL: { status: 500, retryable: false, doc: 'An unexpected error; see the gateway log.' },
  CONFIG_INVALID: {
    status: 400,
    retryable: false,
    doc: 'clawdbot.json or an override fails validation.',
  },
  TEMPORAL_PORT_BUSY: {
    status: 503,
    retryable: false,
    doc: 'The Temporal port is taken by something else.',
  },
  TEMPORAL_NOT_INSTALLED: {
    status: 503,
    retryable: false,
    doc: 'No usable temporal binary was found.',
  },
  TEMPORAL_START_FAILED: {
    status: 503,
    retryable: false,
    doc: 'The embedded Temporal server did not come up.',
  },
  SKILL_INVALID: {
    status: 400,
    retryable: false,
    doc: 'A SKILL.md has missing or malformed frontmatter; the message names the file and field.',
  },
  MEDIA_TOO_LARGE: {
    status: 413,
    retryable: false,
    doc: 'An inbound attachment is larger than the channel account allows (mediaMaxMb).',
  },
} as const satisfies Record<string, { status: number; retryable: boolean; doc: string }>;

/** A stable error code. */
export type ErrorCode = keyof typeof errorTable;

/** The one error shape of the wire protocol and the HTTP API. */
export interface ErrorShape {
  code: ErrorCode;
  message: string;
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
}

/** An error that carries a stable code; everything user-facing throws these. */
export class ClawdbotError extends Error {
  override readonly name = 'ClawdbotError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** The wire/HTTP shape of this error. */
  toShape(): ErrorShape {
    const shape: ErrorShape = { code: this.code, message: this.message };
    if (this.details !== undefined) shape.details = this.details;
    if (errorTable[this.code].retryable) shape.retryable = true;
    if (this.retryAfterMs !== undefined) shape.retryAfterMs = this.retryAfterMs;
    return shape;
  }
}

/** Any thrown value as an ErrorShape; unknown errors become INTERNAL without leaking stacks. */
export function toErrorShape(error: unknown): ErrorShape {
  if (error instanceof ClawdbotError) return error.toShape();
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
