/**
 * The bot's messaging endpoint on the gateway's port. Every request's bearer token is
 * verified against the activity it carries; one that does not verify gets 401 and nothing
 * is handed over. A message activity is handed to the runtime before the answer (200), so
 * when the runtime cannot take it the connector's retry delivers it again; the same
 * activity id twice starts one turn.
 */
import type { ChannelHttpRoute } from '../../channels/types.js';
import type { Logger } from '../../core/logger.js';
import type { TeamsActivity } from './normalize.js';
import type { BotRequestVerifier } from './verify-request.js';

/** What the route needs from the account. */
export interface TeamsWebhookOptions {
  path: string;
  verify: BotRequestVerifier;
  logger: Logger;
  signal: AbortSignal;
  /** Hand over a verified message activity; resolves once it is durably queued or dropped. */
  handle(activity: TeamsActivity): Promise<void>;
}

const MAX_SEEN = 2000;

/** The POST route of the messaging endpoint. */
export function teamsWebhookRoute(options: TeamsWebhookOptions): ChannelHttpRoute {
  const seen = new Set<string>();
  return {
    method: 'POST',
    path: options.path,
    handler: async (request) => {
      if (options.signal.aborted) return { status: 503, body: { message: 'account stopped' } };
      let activity: TeamsActivity;
      try {
        activity = JSON.parse(request.rawBody.toString('utf8')) as TeamsActivity;
      } catch {
        return { status: 400, body: { message: 'invalid JSON' } };
      }
      const header = request.headers.authorization;
      try {
        await options.verify(Array.isArray(header) ? header[0] : header, activity);
      } catch (error) {
        options.logger.warn('activity with a token that does not verify refused', {
          reason: (error as Error).message,
        });
        return { status: 401, body: { message: 'unauthorized' } };
      }
      if (activity.type === 'conversationUpdate') {
        options.logger.info('conversation update', { conversation: activity.conversation?.id });
      }
      const key = activity.type === 'message' && activity.id ? activity.id : undefined;
      if (key && !seen.has(`${activity.conversation?.id ?? ''}/${key}`)) {
        try {
          await options.handle(activity);
        } catch (error) {
          options.logger.warn('activity not taken', { reason: (error as Error).message });
          return { status: 500, body: { message: 'not taken, retry later' } };
        }
        seen.add(`${activity.conversation?.id ?? ''}/${key}`);
        if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value!);
      }
      return { status: 200 };
    },
  };
}
