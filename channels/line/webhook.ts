/**
 * The webhook LINE posts events to, on the gateway's port. The `X-Line-Signature` (HMAC-
 * SHA256 of the raw body with the channel secret, base64) is checked before anything is
 * parsed: a bad one gets 401 and no turn. Message events are handed to the runtime, then
 * 200 — a failure answers 500 so LINE redelivers; a redelivered event (same
 * `webhookEventId`, same message id) starts no second turn.
 */
import { validateSignature, type webhook } from '@line/bot-sdk';
import type { Logger } from '../../core/logger.js';
import type { ChannelHttpRoute, ChannelInbound, InboundOutcome } from '../types.js';

/** What the route needs from the account. */
export interface LineWebhookOptions {
  path: string;
  channelSecret: string;
  logger: Logger;
  signal: AbortSignal;
  /** Normalize and hand over one event; undefined when the event is not a message. */
  handle(event: webhook.Event): Promise<InboundOutcome | undefined>;
}

const MAX_SEEN = 2000;

/** The POST route of the webhook. */
export function lineWebhookRoute(options: LineWebhookOptions): ChannelHttpRoute {
  const seen = new Set<string>();
  return {
    method: 'POST',
    path: options.path,
    handler: async (request) => {
      if (options.signal.aborted) return { status: 503, body: { message: 'account stopped' } };
      const header = request.headers['x-line-signature'];
      const signature = Array.isArray(header) ? header[0] : header;
      if (!signature || !validateSignature(request.rawBody, options.channelSecret, signature)) {
        options.logger.warn('webhook call with a bad X-Line-Signature refused');
        return { status: 401, body: { message: 'invalid signature' } };
      }
      let body: webhook.CallbackRequest;
      try {
        body = JSON.parse(request.rawBody.toString('utf8')) as webhook.CallbackRequest;
      } catch {
        return { status: 400, body: { message: 'invalid JSON' } };
      }
      try {
        for (const event of body.events) {
          if (seen.has(event.webhookEventId)) continue;
          await options.handle(event);
          seen.add(event.webhookEventId);
          if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value!);
        }
      } catch (error) {
        options.logger.warn('webhook events not taken; LINE will redeliver them', {
          reason: error instanceof Error ? error.message : String(error),
        });
        return { status: 500, body: { message: 'events not taken' } };
      }
      return { status: 200, body: {} };
    },
  };
}

/** For logging: what a message event became. */
export function describeInbound(inbound: ChannelInbound | undefined): Record<string, unknown> {
  return inbound ? { chatId: inbound.chatId, messageId: inbound.platformMessageId } : {};
}
