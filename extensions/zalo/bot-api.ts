/**
 * The Zalo Bot API calls the channel makes: `POST <apiBaseUrl>/bot<token>/<method>` with a
 * JSON body, answered `{ ok: true, result }` or `{ ok: false, error_code, description }`.
 * getUpdates returns one update per call (no offsets: an update handed out is gone) and
 * error 408 when none came within its timeout.
 */
import { ChannelSendError } from '../../channels/types.js';

/** A message of an update, as far as it is read. */
export interface ZaloMessage {
  message_id?: string;
  from?: { id?: string; display_name?: string; name?: string; is_bot?: boolean };
  chat?: { id?: string; chat_type?: 'PRIVATE' | 'GROUP' };
  date?: number;
  text?: string;
  photo_url?: string;
  caption?: string;
  sticker?: string;
}

/** One update (getUpdates result, or a webhook body). */
export interface ZaloUpdate {
  event_name?: string;
  message?: ZaloMessage;
}

/** The bot's own account (getMe). */
export interface ZaloBotInfo {
  id?: string;
  account_name?: string;
  display_name?: string;
}

/** A failed call, with Zalo's error code. */
export class ZaloApiError extends Error {
  override readonly name = 'ZaloApiError';
  constructor(
    message: string,
    readonly errorCode: number | undefined,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The Bot API of one bot token. */
export class ZaloBotApi {
  private readonly root: string;

  constructor(apiBaseUrl: string, token: string) {
    this.root = `${apiBaseUrl.replace(/\/+$/, '')}/bot${token}`;
  }

  /** Call a method; throws ZaloApiError when Zalo says no. */
  async call<T>(method: string, body?: object, signal?: AbortSignal): Promise<T> {
    const response = await fetch(`${this.root}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
      ...(signal ? { signal } : {}),
    });
    const data = (await response.json().catch(() => ({}))) as {
      ok?: boolean;
      result?: T;
      error_code?: number;
      description?: string;
    };
    if (!response.ok || data.ok !== true) {
      throw new ZaloApiError(
        `Zalo ${method}: ${data.description ?? `HTTP ${response.status}`}`,
        data.error_code,
        response.status,
      );
    }
    return data.result as T;
  }

  /** The bot's own account. */
  getMe(): Promise<ZaloBotInfo> {
    return this.call<ZaloBotInfo>('getMe');
  }

  /** Wait for the next update; undefined when none came within the timeout. */
  async getUpdate(timeoutSeconds: number, signal: AbortSignal): Promise<ZaloUpdate | undefined> {
    try {
      return await this.call<ZaloUpdate>('getUpdates', { timeout: String(timeoutSeconds) }, signal);
    } catch (error) {
      if (error instanceof ZaloApiError && error.errorCode === 408) return undefined;
      throw error;
    }
  }

  /** A send, its failures as ChannelSendErrors (4xx other than 429 are not retried). */
  async send<T>(method: string, body: object): Promise<T> {
    try {
      return await this.call<T>(method, body);
    } catch (error) {
      if (error instanceof ZaloApiError) {
        const code = error.errorCode ?? error.status;
        throw new ChannelSendError(error.message, {
          retryable: code === 429 || code >= 500 || code < 400,
          ...(code === 429 ? { retryAfterMs: 5_000 } : {}),
          status: error.status,
        });
      }
      throw new ChannelSendError(`Zalo ${method}: ${String(error)}`, { retryable: true });
    }
  }
}
