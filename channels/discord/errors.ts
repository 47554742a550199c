import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { ChannelSendError } from '../types.js';

/**
 * A discord.js failure as the delivery runtime needs it: a rate limit the SDK was told not to
 * sit out carries its wait, 4xx keeps Discord's own message and is final, 5xx and network
 * errors are worth retrying. Discord accepts any Markdown, so `formatting` is never set.
 */
export function toChannelSendError(error: unknown): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  if (error instanceof RateLimitError) {
    return new ChannelSendError(
      `Discord rate limit on ${error.method.toUpperCase()} ${error.route}` +
        `${error.global ? ' (global)' : ''}: retry after ${error.retryAfter} ms`,
      { retryable: true, retryAfterMs: error.retryAfter, status: 429 },
    );
  }
  if (error instanceof DiscordAPIError) {
    const retryable = error.status >= 500 || error.status === 408;
    return new ChannelSendError(`Discord ${error.status} (code ${error.code}): ${error.message}`, {
      retryable,
      status: error.status,
    });
  }
  if (error instanceof HTTPError) {
    return new ChannelSendError(`Discord ${error.status}: ${error.message}`, {
      retryable: error.status >= 500 || error.status === 408,
      status: error.status,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ChannelSendError(`Discord request failed: ${message}`, { retryable: true });
}
