/**
 * @line/bot-sdk errors → ChannelSendError: 429 waits (Retry-After when given), 5xx and
 * network errors are retried, other 4xx fail at once with LINE's own message.
 */
import { HTTPFetchError } from '@line/bot-sdk';
import { ChannelSendError } from '../types.js';

/** LINE's error body: `{ message, details? }`. */
export function lineMessageOf(error: HTTPFetchError): string {
  try {
    const parsed = JSON.parse(error.body) as { message?: string };
    return parsed.message ?? error.body;
  } catch {
    return error.body || error.statusText;
  }
}

/** Map whatever a Messaging API call threw. */
export function toSendError(error: unknown, what: string): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  if (error instanceof HTTPFetchError) {
    const status = error.status;
    const text = `LINE ${what}: ${status} ${lineMessageOf(error)}`;
    if (status === 429) {
      const seconds = Number(error.headers.get('retry-after'));
      return new ChannelSendError(text, {
        retryable: true,
        retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000,
        status,
      });
    }
    return new ChannelSendError(text, { retryable: status >= 500, status });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ChannelSendError(`LINE ${what}: ${message}`, { retryable: true });
}
