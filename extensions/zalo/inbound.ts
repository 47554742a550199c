/**
 * The two ways updates reach a Zalo bot, and what both do with one: long polling of
 * getUpdates, or Zalo posting to the webhook with its secret in X-Bot-Api-Secret-Token
 * (a wrong or missing secret gets 401 and nothing is handed over). Either way an update is
 * handed to the runtime once per message id, so a redelivered update starts no second turn.
 */
import { timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChannelHttpRoute } from '../../channels/types.js';
import type { Logger } from '../../core/logger.js';
import type { ZaloBotApi, ZaloUpdate } from './bot-api.js';
import { updateKey } from './normalize.js';

const MAX_SEEN = 2000;

/** Hands each update over once; throws when the runtime could not take it. */
export function oncePerMessage(
  handle: (update: ZaloUpdate) => Promise<void>,
): (update: ZaloUpdate) => Promise<void> {
  const seen = new Set<string>();
  return async (update) => {
    const key = updateKey(update);
    if (key === undefined || seen.has(key)) return;
    await handle(update);
    seen.add(key);
    if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value!);
  };
}

/**
 * Poll until `signal` aborts. getUpdates has no offset to confirm, so an update the
 * runtime cannot take at once is retried here a few times before it is given up (logged).
 */
export async function pollUpdates(options: {
  api: ZaloBotApi;
  timeoutSeconds: number;
  signal: AbortSignal;
  logger: Logger;
  onError(message: string | undefined): void;
  take(update: ZaloUpdate): Promise<void>;
}): Promise<void> {
  const { signal } = options;
  while (!signal.aborted) {
    let update: ZaloUpdate | undefined;
    try {
      update = await options.api.getUpdate(options.timeoutSeconds, signal);
      options.onError(undefined);
    } catch (error) {
      if (signal.aborted) return;
      options.onError((error as Error).message);
      await sleep(2_000, undefined, { signal }).catch(() => undefined);
      continue;
    }
    if (!update) continue;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await options.take(update);
        break;
      } catch (error) {
        if (attempt >= 5 || signal.aborted) {
          options.logger.error('update lost: the runtime did not take it', {
            messageId: update.message?.message_id,
            reason: (error as Error).message,
          });
          break;
        }
        await sleep(1_000 * attempt, undefined, { signal }).catch(() => undefined);
      }
    }
  }
}

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** The webhook route Zalo posts updates to. */
export function zaloWebhookRoute(options: {
  path: string;
  secret: string;
  logger: Logger;
  signal: AbortSignal;
  take(update: ZaloUpdate): Promise<void>;
}): ChannelHttpRoute {
  return {
    method: 'POST',
    path: options.path,
    handler: async (request) => {
      if (options.signal.aborted) return { status: 503, body: { message: 'account stopped' } };
      const header = request.headers['x-bot-api-secret-token'];
      const given = (Array.isArray(header) ? header[0] : header) ?? '';
      if (!sameSecret(given, options.secret)) {
        options.logger.warn('webhook call without the secret token refused');
        return { status: 401, body: { message: 'unauthorized' } };
      }
      let body: ZaloUpdate & { ok?: boolean; result?: ZaloUpdate };
      try {
        body = JSON.parse(request.rawBody.toString('utf8')) as typeof body;
      } catch {
        return { status: 400, body: { message: 'invalid JSON' } };
      }
      // Updates come bare; the getUpdates envelope is accepted too.
      const update = body.ok === true && body.result ? body.result : body;
      try {
        await options.take(update);
      } catch (error) {
        options.logger.warn('update not taken', { reason: (error as Error).message });
        return { status: 500, body: { message: 'not taken, retry later' } };
      }
      return { status: 200, body: { ok: true } };
    },
  };
}
