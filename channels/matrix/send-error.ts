/**
 * matrix-js-sdk errors → ChannelSendError: M_LIMIT_EXCEEDED waits `retry_after_ms`, 5xx and
 * connection errors are retried, other 4xx (M_FORBIDDEN: not in the room, ...) fail at once
 * with the homeserver's own message.
 */
import { MatrixError } from 'matrix-js-sdk';
import { ChannelSendError } from '../types.js';

/** Map whatever a client-server API call threw. */
export function toSendError(error: unknown, what: string): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  if (error instanceof MatrixError && error.httpStatus !== undefined) {
    const status = error.httpStatus;
    const text = `Matrix ${what}: ${error.errcode ?? status} ${error.data.error ?? error.message}`;
    if (status === 429 || error.errcode === 'M_LIMIT_EXCEEDED') {
      const retryAfterMs =
        typeof error.data.retry_after_ms === 'number' ? error.data.retry_after_ms : 1000;
      return new ChannelSendError(text, { retryable: true, retryAfterMs, status });
    }
    return new ChannelSendError(text, { retryable: status >= 500, status });
  }
  // ConnectionError, aborts, DNS: the homeserver may be back on the next attempt.
  const message = error instanceof Error ? error.message : String(error);
  return new ChannelSendError(`Matrix ${what}: ${message}`, { retryable: true });
}
