import { webApi } from '@slack/bolt';
import { ChannelSendError } from '../types.js';

/**
 * Slack `error` codes that say "try again later" although they come as `ok: false`; every
 * other code (channel_not_found, not_in_channel, invalid_auth, msg_too_long...) is final.
 */
const transientErrors = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'team_added_to_org',
]);

/**
 * A Web API failure as the channel layer's send error: 429 keeps Slack's Retry-After,
 * 5xx and network failures are retryable, `ok: false` codes and other 4xx are final and
 * keep Slack's own code in the message (it ends up in the transcript).
 */
export function toChannelSendError(method: string, error: unknown): ChannelSendError {
  const { ErrorCode } = webApi;
  const code = (error as { code?: string } | undefined)?.code;
  if (code === ErrorCode.RateLimitedError) {
    const { retryAfter } = error as webApi.WebAPIRateLimitedError;
    return new ChannelSendError(`Slack ${method}: rate limited, retry after ${retryAfter}s`, {
      retryable: true,
      retryAfterMs: retryAfter * 1000,
      status: 429,
    });
  }
  if (code === ErrorCode.PlatformError) {
    const slackError = (error as webApi.WebAPIPlatformError).data.error;
    return new ChannelSendError(`Slack ${method}: ${slackError}`, {
      retryable: transientErrors.has(slackError),
    });
  }
  if (code === ErrorCode.HTTPError) {
    const { statusCode, statusMessage } = error as webApi.WebAPIHTTPError;
    return new ChannelSendError(`Slack ${method}: HTTP ${statusCode} ${statusMessage}`, {
      retryable: statusCode >= 500 || statusCode === 408,
      status: statusCode,
    });
  }
  if (code === ErrorCode.RequestError) {
    const { original } = error as webApi.WebAPIRequestError;
    return new ChannelSendError(`Slack ${method}: ${original.message}`, { retryable: true });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ChannelSendError(`Slack ${method}: ${message}`, { retryable: true });
}
