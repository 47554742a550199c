/**
 * Long polling with getUpdates, confirming an update only once the channel runtime has
 * taken it (context.receive resolved: durably queued in its session, or dropped by policy).
 *
 * grammy's own `bot.start()` does not fit: it advances its offset past an update whose
 * middleware threw (its error handler runs and polling goes on), and `bot.stop()` confirms
 * the update being handled even while its middleware still runs — either way a message
 * that never reached Temporal would be lost. So this loop calls `bot.api.getUpdates` and
 * hands each update to `bot.handleUpdate`, the documented entry point for custom runners,
 * and the offset it sends next covers only updates whose handling finished.
 */
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../../core/logger.js';
import type { ChannelStartContext } from '../types.js';
import { grammySignal } from './grammy-signal.js';
import { isUnauthorized } from './send-error.js';

/** The update types a turn can come from; others are never fetched. */
export const ALLOWED_UPDATES = ['message', 'channel_post'] as const;

/** How long one getUpdates waits for news, in seconds (Telegram caps it at 50). */
const LONG_POLL_SECONDS = 25;
const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/** What the loop needs from the account. */
export interface PollingOptions {
  bot: Bot;
  signal: AbortSignal;
  logger: Logger;
  setStatus: ChannelStartContext<unknown>['setStatus'];
}

/** Poll until `signal` aborts; never throws (errors are reported and retried with backoff). */
export async function runLongPolling(options: PollingOptions): Promise<void> {
  const { bot, signal, logger, setStatus } = options;
  let offset: number | undefined;
  let backoffMs = MIN_BACKOFF_MS;
  // The account reported itself connected after getMe; a failed poll says otherwise.
  let healthy = true;
  const pause = async (reason: string) => {
    await sleep(backoffMs, signal);
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    logger.debug('retrying after backoff', { reason });
  };
  while (!signal.aborted) {
    let updates: Update[];
    try {
      updates = await bot.api.getUpdates(
        { offset, timeout: LONG_POLL_SECONDS, allowed_updates: [...ALLOWED_UPDATES] },
        grammySignal(signal),
      );
    } catch (error) {
      if (signal.aborted) break;
      const reason = describe(error);
      logger.warn('getUpdates failed', { reason, unauthorized: isUnauthorized(error) });
      setStatus({ connected: false, lastError: reason });
      healthy = false;
      await pause(reason);
      continue;
    }
    if (!healthy) {
      setStatus({ connected: true });
      healthy = true;
    }
    if (updates.length === 0) continue;
    const failed = await handleBatch(bot, updates, logger);
    if (failed === undefined) {
      offset = updates[updates.length - 1]!.update_id + 1;
      backoffMs = MIN_BACKOFF_MS;
    } else {
      // Confirm only what precedes the first update that was not taken; it and anything
      // after it come again (the runtime knows a repeated message id and starts no turn).
      offset = failed;
      await pause('an update was not taken');
    }
  }
}

/**
 * Hand a batch to the bot: chats in parallel, each chat's updates in order, stopping a
 * chat at its first failure. Returns the lowest update_id that was not taken, if any.
 */
async function handleBatch(
  bot: Bot,
  updates: Update[],
  logger: Logger,
): Promise<number | undefined> {
  const byChat = new Map<string, Update[]>();
  for (const update of updates) {
    const chat = String((update.message ?? update.channel_post)?.chat.id ?? 'other');
    byChat.set(chat, [...(byChat.get(chat) ?? []), update]);
  }
  const failures = await Promise.all(
    [...byChat.values()].map(async (chatUpdates) => {
      for (const update of chatUpdates) {
        try {
          await bot.handleUpdate(update);
        } catch (error) {
          logger.warn('could not hand a message to the agent; Telegram will send it again', {
            updateId: update.update_id,
            reason: describe(error),
          });
          return update.update_id;
        }
      }
      return undefined;
    }),
  );
  const failed = failures.filter((id): id is number => id !== undefined);
  return failed.length > 0 ? Math.min(...failed) : undefined;
}

function describe(error: unknown): string {
  const cause =
    error instanceof Error && 'error' in error ? (error as { error: unknown }).error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return cause instanceof Error ? `${message} (${cause.message})` : message;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
