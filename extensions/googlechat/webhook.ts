/**
 * The HTTP endpoint Google Chat posts interaction events to, on the gateway's port. The
 * bearer token is verified before the body is read; a bad one gets 401 and no turn. A
 * message is handed to the runtime and the answer is an empty `{}` (the reply comes later
 * through the Chat API, after the turn); a failure answers 500. The same message posted
 * twice starts one turn.
 */
import type { Logger } from '../../core/logger.js';
import type { ChannelHttpRoute } from '../../channels/types.js';
import type { ChatEvent } from './normalize.js';
import type { ChatRequestVerifier } from './verify-request.js';

/** What the route needs from the account. */
export interface ChatWebhookOptions {
  path: string;
  verify: ChatRequestVerifier;
  logger: Logger;
  signal: AbortSignal;
  /** Hand over an event's message; resolves once it is durably queued or dropped. */
  handle(event: ChatEvent): Promise<void>;
}

const MAX_SEEN = 2000;

/** The POST route of the app's endpoint. */
export function googlechatWebhookRoute(options: ChatWebhookOptions): ChannelHttpRoute {
  const seen = new Set<string>();
  return {
    method: 'POST',
    path: options.path,
    handler: async (request) => {
      if (options.signal.aborted) return { status: 503, body: { message: 'account stopped' } };
      const header = request.headers.authorization;
      try {
        await options.verify(Array.isArray(header) ? header[0] : header);
      } catch (error) {
        options.logger.warn('webhook call with a bearer token that does not verify refused', {
          reason: (error as Error).message,
        });
        return { status: 401, body: { message: 'unauthorized' } };
      }
      let event: ChatEvent;
      try {
        event = JSON.parse(request.rawBody.toString('utf8')) as ChatEvent;
      } catch {
        return { status: 400, body: { message: 'invalid JSON' } };
      }
      const messageName = event.message?.name;
      if (event.type === 'ADDED_TO_SPACE' || event.type === 'REMOVED_FROM_SPACE') {
        options.logger.info(
          `app ${event.type === 'ADDED_TO_SPACE' ? 'added to' : 'removed from'} a space`,
          {
            space: event.space?.name,
          },
        );
      }
      // ADDED_TO_SPACE carries a message when the app was added by @mentioning it.
      if ((event.type === 'MESSAGE' || event.type === 'ADDED_TO_SPACE') && messageName) {
        if (!seen.has(messageName)) {
          try {
            await options.handle(event);
          } catch (error) {
            options.logger.warn('event not taken', { reason: (error as Error).message });
            return { status: 500, body: { message: 'not taken, retry later' } };
          }
          seen.add(messageName);
          if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value!);
        }
      }
      return { status: 200, body: {} };
    },
  };
}
