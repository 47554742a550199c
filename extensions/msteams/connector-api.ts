/**
 * The Bot Connector calls the channel makes with the app token: send an activity to a
 * conversation (`POST {serviceUrl}/v3/conversations/{id}/activities`) or in reply to one
 * (`.../activities/{activityId}`); both answer a ResourceResponse `{ id }`. Failures become
 * ChannelSendErrors from the connector's error body `{ error: { code, message } }`.
 */
import { ChannelSendError } from '../../channels/types.js';
import type { AppTokens } from './app-token.js';

/** An outgoing message activity, as far as the channel fills it. */
export interface OutgoingActivity {
  type: 'message';
  text: string;
  textFormat: 'markdown' | 'plain';
  replyToId?: string;
}

async function connectorError(response: Response): Promise<ChannelSendError> {
  const text = await response.text().catch(() => '');
  let message = text.slice(0, 300) || response.statusText;
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.message) message = `${body.error.code ?? ''} ${body.error.message}`.trim();
  } catch {
    // Not JSON: keep the text.
  }
  const status = response.status;
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ChannelSendError(`Teams send: ${status} ${message}`, {
    // 401: the token was revoked or expired early; a retry fetches a new one.
    retryable: status === 429 || status === 401 || status >= 500,
    ...(status === 429
      ? { retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 5_000 }
      : {}),
    status,
  });
}

/** The connector of one bot (any serviceUrl). */
export class ConnectorApi {
  constructor(private readonly tokens: AppTokens) {}

  /** Post a message to a conversation, in reply to `replyToId` when given. */
  async send(input: {
    serviceUrl: string;
    conversationId: string;
    activity: OutgoingActivity;
  }): Promise<{ id: string }> {
    let token: string;
    try {
      token = await this.tokens.token();
    } catch (error) {
      throw new ChannelSendError(`Teams send: ${(error as Error).message}`, { retryable: true });
    }
    const root = input.serviceUrl.replace(/\/+$/, '');
    const conversation = encodeURIComponent(input.conversationId);
    const reply = input.activity.replyToId
      ? `/${encodeURIComponent(input.activity.replyToId)}`
      : '';
    let response: Response;
    try {
      response = await fetch(`${root}/v3/conversations/${conversation}/activities${reply}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input.activity),
      });
    } catch (error) {
      throw new ChannelSendError(`Teams send: ${String(error)}`, { retryable: true });
    }
    if (response.status === 401) this.tokens.invalidate();
    if (!response.ok) throw await connectorError(response);
    const body = (await response.json().catch(() => ({}))) as { id?: string };
    return { id: body.id ?? '' };
  }
}
