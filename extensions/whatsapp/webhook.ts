/**
 * The webhook Meta calls for a WhatsApp Business number, on the gateway's port:
 *  - GET: the subscription check. Meta sends `hub.mode=subscribe`, `hub.verify_token` and
 *    `hub.challenge`; the challenge is echoed as plain text only when the token is ours.
 *  - POST: notifications. `X-Hub-Signature-256: sha256=<hex>` (HMAC-SHA256 of the raw body
 *    with the app secret) is checked before anything is parsed; a bad one gets 401 and no
 *    turn. Messages are handed to the runtime, then 200; a failure answers 500 so Meta
 *    retries, and a redelivered message (same `wamid`) starts no second turn.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../core/logger.js';
import type { ChannelHttpRoute } from '../../channels/types.js';
import type { ChangeValue, WebhookBody, WhatsAppMessage } from './normalize.js';

/** What the routes need from the account. */
export interface WhatsAppWebhookOptions {
  path: string;
  appSecret: string;
  verifyToken: string;
  /** Only changes for this phone number are ours (one app may serve several numbers). */
  phoneNumberId: string;
  logger: Logger;
  signal: AbortSignal;
  /** Hand over one message; resolves once it is durably queued or dropped. */
  handle(message: WhatsAppMessage, value: ChangeValue): Promise<void>;
}

const MAX_SEEN = 2000;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Whether the header is `sha256=` + the HMAC of the body under the app secret. */
export function validSignature(rawBody: Buffer, appSecret: string, header: string | undefined) {
  if (!header?.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The GET (verification) and POST (notifications) routes of the webhook. */
export function whatsappWebhookRoutes(options: WhatsAppWebhookOptions): ChannelHttpRoute[] {
  const seen = new Set<string>();
  const verify: ChannelHttpRoute = {
    method: 'GET',
    path: options.path,
    handler: (request) => {
      const { query } = request;
      if (query['hub.mode'] === 'subscribe' && query['hub.verify_token'] === options.verifyToken) {
        options.logger.info('webhook subscription verified');
        return Promise.resolve({
          status: 200,
          body: query['hub.challenge'] ?? '',
          headers: { 'content-type': 'text/plain' },
        });
      }
      options.logger.warn('webhook verification with a wrong hub.verify_token refused');
      return Promise.resolve({ status: 403, body: { message: 'verification failed' } });
    },
  };
  const notify: ChannelHttpRoute = {
    method: 'POST',
    path: options.path,
    handler: async (request) => {
      if (options.signal.aborted) return { status: 503, body: { message: 'account stopped' } };
      const signature = first(request.headers['x-hub-signature-256']);
      if (!validSignature(request.rawBody, options.appSecret, signature)) {
        options.logger.warn('webhook call with a bad X-Hub-Signature-256 refused');
        return { status: 401, body: { message: 'invalid signature' } };
      }
      let body: WebhookBody;
      try {
        body = JSON.parse(request.rawBody.toString('utf8')) as WebhookBody;
      } catch {
        return { status: 400, body: { message: 'invalid JSON' } };
      }
      try {
        for (const entry of body.entry ?? []) {
          for (const change of entry.changes ?? []) {
            const value = change.value;
            if (change.field !== 'messages' || !value) continue;
            if (value.metadata?.phone_number_id !== options.phoneNumberId) continue;
            for (const message of value.messages ?? []) {
              if (seen.has(message.id)) continue;
              await options.handle(message, value);
              seen.add(message.id);
              if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value!);
            }
          }
        }
      } catch (error) {
        options.logger.warn('webhook messages not taken; Meta will retry them', {
          reason: error instanceof Error ? error.message : String(error),
        });
        return { status: 500, body: { message: 'not taken, retry later' } };
      }
      return { status: 200, body: { ok: true } };
    },
  };
  return [verify, notify];
}
