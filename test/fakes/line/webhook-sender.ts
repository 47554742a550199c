// Posts webhook calls the way the LINE Platform does: a JSON body `{ destination, events }`
// signed with the channel secret in `X-Line-Signature` (base64 of HMAC-SHA256 of the raw
// body), message events with webhookEventId, deliveryContext, replyToken and quoteToken.
import { createHmac, randomUUID } from 'node:crypto';
import { postWebhook } from '../http-fake.js';

/** The signature LINE puts in X-Line-Signature. */
export function lineSignature(body: string, channelSecret: string): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}

/** Where a message comes from. */
export type LineSource =
  { type: 'user'; userId: string } | { type: 'group'; groupId: string; userId: string };

/** A message event as the webhook sends it. */
export interface LineMessageEvent {
  type: 'message';
  mode: 'active' | 'standby';
  timestamp: number;
  source: LineSource;
  webhookEventId: string;
  deliveryContext: { isRedelivery: boolean };
  replyToken: string;
  message: Record<string, unknown> & { id: string; type: string };
}

let counter = 0;
const nextId = () => String(Date.now() * 100 + (counter++ % 100));

/** Build a message event; the message gets a fresh id and quote token. */
export function messageEvent(
  source: LineSource,
  message: Record<string, unknown> & { type: string },
): LineMessageEvent {
  return {
    type: 'message',
    mode: 'active',
    timestamp: Date.now(),
    source,
    webhookEventId: `01${randomUUID().replace(/-/g, '').toUpperCase().slice(0, 24)}`,
    deliveryContext: { isRedelivery: false },
    replyToken: randomUUID().replace(/-/g, ''),
    message: { id: nextId(), quoteToken: `q-${randomUUID()}`, ...message },
  };
}

/** POST events to the webhook URL; returns the HTTP status. */
export async function sendWebhook(
  url: string,
  channelSecret: string,
  events: LineMessageEvent[],
  options: { signature?: string } = {},
): Promise<number> {
  const body = JSON.stringify({ destination: 'U0000000000000000000000000000bot', events });
  const answer = await postWebhook(url, body, {
    'content-type': 'application/json',
    'x-line-signature': options.signature ?? lineSignature(body, channelSecret),
  });
  return answer.status;
}
