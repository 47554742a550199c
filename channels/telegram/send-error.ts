/**
 * grammy's errors → ChannelSendError, so the delivery activity knows what a retry can fix:
 * 429 waits `parameters.retry_after`, 5xx and network errors are retried, other 4xx fail at
 * once with Telegram's own description, and "can't parse entities" asks for plain text.
 */
import { GrammyError, HttpError } from 'grammy';
import { ChannelSendError } from '../types.js';

/** Map whatever a Bot API call threw. */
export function toSendError(error: unknown): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  if (error instanceof GrammyError) {
    const status = error.error_code;
    if (status === 429) {
      const seconds = error.parameters.retry_after ?? 1;
      return new ChannelSendError(`Telegram: ${error.description}`, {
        retryable: true,
        retryAfterMs: seconds * 1000,
        status,
      });
    }
    return new ChannelSendError(`Telegram: ${error.description}`, {
      retryable: status >= 500,
      status,
      ...(isFormattingError(error) ? { formatting: true } : {}),
    });
  }
  if (error instanceof HttpError) {
    return new ChannelSendError(`Telegram unreachable: ${error.message}`, { retryable: true });
  }
  return new ChannelSendError(error instanceof Error ? error.message : String(error), {
    retryable: true,
  });
}

/** Telegram refused the markup (the text itself would be accepted as plain text). */
export function isFormattingError(error: GrammyError): boolean {
  return error.error_code === 400 && /can't parse entities/i.test(error.description);
}

/** An edit that changes nothing: the draft already shows this text, which is success. */
export function isNotModified(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    /message is not modified/i.test(error.description)
  );
}

/** Errors a restart cannot fix either: the token is wrong or revoked. */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404);
}
