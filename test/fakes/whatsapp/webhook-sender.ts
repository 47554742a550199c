// Posts WhatsApp Cloud API webhook notifications as Meta does: the `whatsapp_business_account`
// object with one `messages` change, signed with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256
// of the raw body under the app secret>`; and the GET subscription check.
import { createHmac, randomBytes } from 'node:crypto';
import { postWebhook } from '../http-fake.js';

/** One inbound message object (`value.messages[]`). */
export type WhatsAppInboundMessage = {
  id: string;
  from: string;
  timestamp: string;
  type: string;
  [field: string]: unknown;
};

/** A message from a user: `type` and its object, with a fresh wamid. */
export function userMessage(
  from: string,
  type: string,
  content: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): WhatsAppInboundMessage {
  return {
    from,
    id: `wamid.HBgL${randomBytes(12).toString('hex').toUpperCase()}`,
    timestamp: String(Math.floor(Date.now() / 1000)),
    type,
    [type]: content,
    ...extra,
  };
}

/** The notification body for messages to one phone number. */
export function notification(
  phoneNumberId: string,
  messages: WhatsAppInboundMessage[],
  names: Record<string, string> = {},
): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550100000', phone_number_id: phoneNumberId },
              contacts: [...new Set(messages.map((message) => message.from))].map((waId) => ({
                profile: { name: names[waId] ?? `User ${waId.slice(-4)}` },
                wa_id: waId,
              })),
              messages,
            },
          },
        ],
      },
    ],
  });
}

/** POST a body to the webhook, signed (or with the given signature); the HTTP status. */
export async function postNotification(
  url: string,
  appSecret: string,
  body: string,
  options: { signature?: string } = {},
): Promise<number> {
  const signature =
    options.signature ?? `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
  const answer = await postWebhook(url, body, {
    'content-type': 'application/json',
    'x-hub-signature-256': signature,
  });
  return answer.status;
}

/** The GET subscription check; status and body text. */
export async function verifySubscription(
  url: string,
  verifyToken: string,
  challenge: string,
): Promise<{ status: number; text: string }> {
  const query = new URLSearchParams({
    'hub.mode': 'subscribe',
    'hub.verify_token': verifyToken,
    'hub.challenge': challenge,
  });
  const response = await fetch(`${url}?${query}`);
  return { status: response.status, text: await response.text() };
}
