/**
 * The few Graph API calls the WhatsApp channel makes, over fetch with the bearer token:
 * send a message, upload media, and media id → temporary URL → bytes. Meta publishes no
 * official Node SDK for the Cloud API, so these are plain HTTP calls on its documented
 * paths. Failures become ChannelSendErrors classified by Graph's error `code` (Meta asks
 * clients to key on the code, not the HTTP status).
 */
import { ChannelSendError } from '../../channels/types.js';

/** What the client needs to reach one phone number's endpoints. */
export interface GraphApiOptions {
  accessToken: string;
  phoneNumberId: string;
  apiBaseUrl: string;
  apiVersion: string;
}

/** Graph's error body: `{ error: { message, type, code, error_data: { details } } }`. */
interface GraphErrorBody {
  error?: {
    message?: string;
    code?: number;
    error_data?: { details?: string };
  };
}

/** A message object of `POST /{phone-number-id}/messages` (text, image, document...). */
export type OutgoingMessage = { type: string; [field: string]: unknown };

/** The media metadata `GET /{media-id}` answers. */
export interface MediaInfo {
  url: string;
  mime_type?: string;
  file_size?: string | number;
}

/**
 * Throttling codes: app call limit (4), account limit (80007), throughput (130429), too
 * many messages to one user (131056). A retry later succeeds, so they wait.
 */
const THROTTLED: Record<number, number> = {
  4: 60_000,
  80007: 60_000,
  130429: 5_000,
  131056: 6_000,
};
/** Unknown (1) and service (2) errors are temporary per Meta's error reference. */
const TEMPORARY = new Set([1, 2, 131000]);

/** Turn a failed Graph response into a ChannelSendError. */
async function graphError(response: Response, what: string): Promise<ChannelSendError> {
  const text = await response.text().catch(() => '');
  let body: GraphErrorBody = {};
  try {
    body = JSON.parse(text) as GraphErrorBody;
  } catch {
    // Not JSON (a proxy's error page): the status decides.
  }
  const code = body.error?.code;
  const details = body.error?.error_data?.details;
  const message = `WhatsApp ${what}: ${response.status} ${body.error?.message ?? (text || response.statusText)}${details ? ` (${details})` : ''}`;
  const status = response.status;
  const retryAfter = Number(response.headers.get('retry-after'));
  if (status === 429 || (code !== undefined && code in THROTTLED)) {
    return new ChannelSendError(message, {
      retryable: true,
      retryAfterMs:
        Number.isFinite(retryAfter) && retryAfter > 0
          ? retryAfter * 1000
          : (THROTTLED[code ?? 4] ?? 5_000),
      status,
    });
  }
  const retryable = status >= 500 || (code !== undefined && TEMPORARY.has(code));
  return new ChannelSendError(message, { retryable, status });
}

/** One phone number's Graph API. */
export class GraphApi {
  private readonly root: string;

  constructor(private readonly options: GraphApiOptions) {
    this.root = `${options.apiBaseUrl.replace(/\/+$/, '')}/${options.apiVersion}`;
  }

  private async call(path: string, init: RequestInit, what: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.root}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${this.options.accessToken}`, ...init.headers },
      });
    } catch (error) {
      throw new ChannelSendError(`WhatsApp ${what}: ${String(error)}`, { retryable: true });
    }
    if (!response.ok) throw await graphError(response, what);
    return response;
  }

  /** Send one message to a WhatsApp user; answers the new message's `wamid`. */
  async sendMessage(to: string, message: OutgoingMessage, replyTo?: string): Promise<string> {
    const response = await this.call(
      `/${this.options.phoneNumberId}/messages`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to,
          ...(replyTo ? { context: { message_id: replyTo } } : {}),
          ...message,
        }),
      },
      'send',
    );
    const body = (await response.json()) as { messages?: { id?: string }[] };
    const id = body.messages?.[0]?.id;
    if (!id)
      throw new ChannelSendError('WhatsApp send: no message id in the answer', {
        retryable: false,
      });
    return id;
  }

  /**
   * Mark a received message read (blue ticks); with `typing`, also show "typing…" for up to
   * 25 s (or until we answer).
   */
  async markRead(messageId: string, options: { typing?: boolean } = {}): Promise<void> {
    await this.call(
      `/${this.options.phoneNumberId}/messages`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          messaging_product: 'whatsapp',
          status: 'read',
          message_id: messageId,
          ...(options.typing ? { typing_indicator: { type: 'text' } } : {}),
        }),
      },
      options.typing ? 'typing' : 'mark read',
    );
  }

  /** Upload a file for sending (multipart, as `/{phone-number-id}/media` takes it); its media id. */
  async uploadMedia(bytes: Buffer, fileName: string, mimeType: string): Promise<string> {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', mimeType);
    form.set('file', new Blob([new Uint8Array(bytes)], { type: mimeType }), fileName);
    const response = await this.call(
      `/${this.options.phoneNumberId}/media`,
      { method: 'POST', body: form },
      'media upload',
    );
    const body = (await response.json()) as { id?: string };
    if (!body.id)
      throw new ChannelSendError('WhatsApp media upload: no id in the answer', { retryable: true });
    return body.id;
  }

  /** The phone number's name and number (`GET /{phone-number-id}`); fails on a bad token. */
  async phoneNumber(): Promise<{ verified_name?: string; display_phone_number?: string }> {
    const query = new URLSearchParams({ fields: 'verified_name,display_phone_number' });
    const response = await this.call(
      `/${this.options.phoneNumberId}?${query}`,
      { method: 'GET' },
      'phone number lookup',
    );
    return (await response.json()) as { verified_name?: string; display_phone_number?: string };
  }

  /** A received media's temporary URL (valid for minutes) and what it is. */
  async mediaInfo(mediaId: string): Promise<MediaInfo> {
    const query = new URLSearchParams({ phone_number_id: this.options.phoneNumberId });
    const response = await this.call(`/${mediaId}?${query}`, { method: 'GET' }, 'media lookup');
    return (await response.json()) as MediaInfo;
  }

  /** Download a received media: its URL needs the same bearer token. */
  async downloadMedia(mediaId: string): Promise<ReadableStream<Uint8Array>> {
    const info = await this.mediaInfo(mediaId);
    const response = await fetch(info.url, {
      headers: { authorization: `Bearer ${this.options.accessToken}` },
    });
    if (!response.ok || !response.body) throw await graphError(response, 'media download');
    return response.body;
  }
}
