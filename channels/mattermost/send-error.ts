/**
 * @mattermost/client errors → ChannelSendError: 429 waits (1 s; Mattermost's limiter sends
 * X-RateLimit-Reset, which Client4 does not expose), 5xx and network errors are retried,
 * other 4xx (no permission in the channel, ...) fail at once with the server's message.
 */
import mattermost from '@mattermost/client';
import { ChannelSendError } from '../types.js';

/** Map whatever a REST call threw. */
export function toSendError(error: unknown, what: string): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  if (error instanceof mattermost.ClientError && error.status_code !== undefined) {
    const status = error.status_code;
    const text = `Mattermost ${what}: ${status} ${error.message}`;
    if (status === 429)
      return new ChannelSendError(text, { retryable: true, retryAfterMs: 1000, status });
    return new ChannelSendError(text, { retryable: status >= 500, status });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ChannelSendError(`Mattermost ${what}: ${message}`, { retryable: true });
}
