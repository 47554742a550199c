/**
 * The Chat API calls the channel makes with the app's service-account token:
 * `spaces.messages.create` (POST /v1/{space}/messages; in a thread with `thread.name` and
 * REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD; `requestId` makes a repeated create return the first
 * message instead of posting again) and `media.download` (GET /v1/media/{resource}?alt=media).
 * Failures become ChannelSendErrors from Google's error body `{ error: { code, message,
 * status } }`.
 */
import { createHash } from 'node:crypto';
import { ChannelSendError } from '../../channels/types.js';
import type { ServiceAccountTokens } from './service-account-token.js';

/** A created message, as far as it is used. */
export interface CreatedMessage {
  name: string;
  thread?: { name?: string };
}

/** The same request id for every retry of one delivery, in Chat's allowed characters. */
export function requestIdOf(deliveryId: string): string {
  return `clawdbot-${createHash('sha256').update(deliveryId).digest('hex').slice(0, 40)}`;
}

async function chatError(response: Response, what: string): Promise<ChannelSendError> {
  const text = await response.text().catch(() => '');
  let message = text || response.statusText;
  try {
    const body = JSON.parse(text) as { error?: { message?: string; status?: string } };
    if (body.error?.message) message = `${body.error.status ?? ''} ${body.error.message}`.trim();
  } catch {
    // Not JSON: keep the text.
  }
  const status = response.status;
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ChannelSendError(`Google Chat ${what}: ${status} ${message}`, {
    // 401: the token expired early or was revoked; a retry fetches a new one.
    retryable: status === 429 || status === 401 || status >= 500,
    ...(status === 429
      ? { retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 5_000 }
      : {}),
    status,
  });
}

/** The Chat API of one app. */
export class ChatApi {
  private readonly root: string;

  constructor(
    apiBaseUrl: string,
    private readonly tokens: ServiceAccountTokens,
  ) {
    this.root = apiBaseUrl.replace(/\/+$/, '');
  }

  private async call(path: string, init: RequestInit, what: string): Promise<Response> {
    let token: string;
    try {
      token = await this.tokens.token();
    } catch (error) {
      throw new ChannelSendError(`Google Chat ${what}: ${(error as Error).message}`, {
        retryable: true,
      });
    }
    let response: Response;
    try {
      response = await fetch(`${this.root}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...init.headers },
      });
    } catch (error) {
      throw new ChannelSendError(`Google Chat ${what}: ${String(error)}`, { retryable: true });
    }
    if (response.status === 401) this.tokens.invalidate();
    if (!response.ok) throw await chatError(response, what);
    return response;
  }

  /** Post a text message in a space (in a thread when given). */
  async createMessage(input: {
    space: string;
    text: string;
    threadName?: string;
    requestId: string;
  }): Promise<CreatedMessage> {
    const query = new URLSearchParams({ requestId: input.requestId });
    if (input.threadName) query.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
    const response = await this.call(
      `/v1/${input.space}/messages?${query}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          text: input.text,
          ...(input.threadName ? { thread: { name: input.threadName } } : {}),
        }),
      },
      'send',
    );
    return (await response.json()) as CreatedMessage;
  }

  /** An uploaded attachment's bytes. */
  async download(resourceName: string): Promise<ReadableStream<Uint8Array>> {
    const response = await this.call(
      `/v1/media/${resourceName}?alt=media`,
      { method: 'GET' },
      'media download',
    );
    if (!response.body)
      throw new ChannelSendError('Google Chat media download: empty', { retryable: true });
    return response.body;
  }
}
