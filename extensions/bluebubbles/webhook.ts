/**
 * The webhook BlueBubbles calls (`new-message` and its other events) on the gateway's
 * port. BlueBubbles does not sign its calls: the webhook URL registered on the server
 * carries `?password=` (or `?guid=`), checked against the account's password in constant
 * time; anything else is 401 and never reaches the agent.
 */
import { timingSafeEqual } from 'node:crypto';
import type { ChannelHttpRoute } from '../../channels/types.js';
import type { BlueBubblesMessage } from './normalize.js';

/** A webhook event. */
export interface BlueBubblesEvent {
  type: string;
  data?: unknown;
}

function samePassword(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The webhook route; `onMessage` resolves once the message is queued (or dropped). */
export function blueBubblesWebhookRoute(options: {
  path: string;
  password: string;
  onMessage(message: BlueBubblesMessage): Promise<void>;
}): ChannelHttpRoute {
  return {
    method: 'POST',
    path: options.path,
    async handler(request) {
      const given = request.query.password ?? request.query.guid;
      if (!samePassword(given, options.password)) {
        return { status: 401, body: { status: 401, message: 'Unauthorized' } };
      }
      let event: BlueBubblesEvent;
      try {
        event = JSON.parse(request.rawBody.toString('utf8')) as BlueBubblesEvent;
      } catch {
        return { status: 400, body: { status: 400, message: 'body is not JSON' } };
      }
      if (event.type === 'new-message' && event.data && typeof event.data === 'object') {
        await options.onMessage(event.data as BlueBubblesMessage);
      }
      return { status: 200, body: { status: 200, message: 'ok' } };
    },
  };
}
