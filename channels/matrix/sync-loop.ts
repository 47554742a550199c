/**
 * The /sync long-poll, resuming from the stored `since` token and storing the next one
 * only once every message of a response was taken by the channel runtime (durably queued
 * in its session, or dropped by policy). So a restart neither replays what was answered
 * nor loses what arrived while the gateway was down: the homeserver sends everything after
 * the stored token again, and the runtime knows a repeated event id.
 *
 * matrix-js-sdk's own sync (`startClient`) does not fit: it advances its token as soon as a
 * response arrives and emits events without waiting for their handlers, so a message whose
 * hand-over failed would be skipped. This loop uses the SDK's authenticated HTTP layer for
 * the documented /sync call and keeps the token itself.
 */
import { Method, type MatrixClient } from 'matrix-js-sdk';
import type { Logger } from '../../core/logger.js';
import type { ChannelStartContext } from '../types.js';
import type { MatrixRawEvent } from './normalize.js';

/** The parts of a /sync response the channel reads. */
export interface SyncResponse {
  next_batch: string;
  account_data?: { events?: MatrixRawEvent[] };
  rooms?: {
    join?: Record<
      string,
      {
        state?: { events?: MatrixRawEvent[] };
        timeline?: { events?: MatrixRawEvent[]; limited?: boolean };
      }
    >;
    invite?: Record<string, { invite_state?: { events?: MatrixRawEvent[] } }>;
    leave?: Record<string, unknown>;
  };
}

/** How long one /sync waits for news on the server. */
const LONG_POLL_MS = 25_000;
const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
/**
 * Timeline events per room per response: enough for the messages of a gateway restart;
 * a gap beyond it is logged (the older ones are not fetched).
 */
const TIMELINE_LIMIT = 100;

/** What the loop needs. */
export interface SyncLoopOptions {
  client: MatrixClient;
  signal: AbortSignal;
  logger: Logger;
  setStatus: ChannelStartContext<unknown>['setStatus'];
  since: string | undefined;
  /** Store the token once its response was handled. */
  saveSince(token: string): Promise<void>;
  /**
   * Handle one response. `initial`: the first sync of an account that never synced (its
   * history is not answered). Returns false when a message was not taken: the same
   * response is fetched again.
   */
  handle(response: SyncResponse, initial: boolean): Promise<boolean>;
}

/** One /sync call. */
export function syncOnce(
  client: MatrixClient,
  since: string | undefined,
  signal: AbortSignal,
): Promise<SyncResponse> {
  const filter = JSON.stringify({ room: { timeline: { limit: since ? TIMELINE_LIMIT : 1 } } });
  return client.http.authedRequest<SyncResponse>(
    Method.Get,
    '/sync',
    {
      filter,
      timeout: String(since ? LONG_POLL_MS : 0),
      ...(since ? { since } : {}),
    },
    undefined,
    { abortSignal: signal, localTimeoutMs: LONG_POLL_MS + 15_000 },
  );
}

/** Sync until `signal` aborts; never throws (errors are reported and retried with backoff). */
export async function runSyncLoop(options: SyncLoopOptions): Promise<void> {
  const { client, signal, logger, setStatus } = options;
  let since = options.since;
  let backoffMs = MIN_BACKOFF_MS;
  let healthy = true;
  const pause = async () => {
    await sleep(backoffMs, signal);
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  };
  while (!signal.aborted) {
    let response: SyncResponse;
    try {
      response = await syncOnce(client, since, signal);
    } catch (error) {
      if (signal.aborted) break;
      const reason = `sync failed: ${error instanceof Error ? error.message : String(error)}`;
      logger.warn(reason);
      setStatus({ connected: false, lastError: reason });
      healthy = false;
      await pause();
      continue;
    }
    if (!healthy) {
      setStatus({ connected: true });
      healthy = true;
    }
    let taken: boolean;
    try {
      taken = await options.handle(response, since === undefined);
    } catch (error) {
      logger.warn('sync response not handled', {
        reason: error instanceof Error ? error.message : String(error),
      });
      taken = false;
    }
    if (!taken) {
      // The same token again: the homeserver resends the response's events.
      await pause();
      continue;
    }
    since = response.next_batch;
    backoffMs = MIN_BACKOFF_MS;
    await options.saveSince(since);
  }
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
