/**
 * The bot's webhook on the gateway's port. Talk signs each request: a signature that does
 * not match (or a request from another Nextcloud than `baseUrl`) gets 401 and nothing is
 * handed over. A message is handed to the runtime before the answer, so a 5xx makes Talk's
 * retry (or a re-post) deliver it again; the same message id twice starts one turn.
 */
import type { ChannelHttpRoute } from '../../channels/types.js';
import type { Logger } from '../../core/logger.js';
import type { TalkEvent } from './normalize.js';
import { verifyTalkSignature } from './signature.js';

/** What the route needs from the account. */
export interface TalkWebhookOptions {
  path: string;
  secret: string;
  baseUrl: string;
  logger: Logger;
  signal: AbortSignal;
  /** Hand over an event; resolves once it is durably queued or dropped. */
  handle(event: TalkEvent): Promise<void>;
}

const MAX_SEEN = 2000;

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

const originOf = (url: string | undefined) => {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
};

/** The POST route Talk calls. */
export function talkWebhookRoute(options: TalkWebhookOptions): ChannelHttpRoute {
  const seen = new Set<string>();
  const ownOrigin = originOf(options.baseUrl);
  return {
    method: 'POST',
    path: options.path,
    handler: async (request) => {
      if (options.signal.aborted) return { status: 503, body: { message: 'account stopped' } };
      const random = header(request.headers['x-nextcloud-talk-random']) ?? '';
      const signature = header(request.headers['x-nextcloud-talk-signature']) ?? '';
      const backend = header(request.headers['x-nextcloud-talk-backend']);
      if (!random || !verifyTalkSignature(options.secret, random, request.rawBody, signature)) {
        options.logger.warn('webhook call with a bad signature refused');
        return { status: 401, body: { message: 'unauthorized' } };
      }
      if (originOf(backend) !== ownOrigin) {
        options.logger.warn('webhook call from another Nextcloud refused', { backend });
        return { status: 401, body: { message: 'unknown backend' } };
      }
      let event: TalkEvent;
      try {
        event = JSON.parse(request.rawBody.toString('utf8')) as TalkEvent;
      } catch {
        return { status: 400, body: { message: 'invalid JSON' } };
      }
      if (event.type === 'Join' || event.type === 'Leave') {
        options.logger.info(`bot ${event.type === 'Join' ? 'added to' : 'removed from'} a chat`, {
          room: (event.object as { id?: string } | undefined)?.id,
        });
        return { status: 200, body: {} };
      }
      const key =
        event.type === 'Create' && event.object?.id !== undefined
          ? `${event.target?.id ?? ''}/${String(event.object.id)}`
          : undefined;
      if (key && !seen.has(key)) {
        try {
          await options.handle(event);
        } catch (error) {
          options.logger.warn('event not taken', { reason: (error as Error).message });
          return { status: 500, body: { message: 'not taken, retry later' } };
        }
        seen.add(key);
        if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value!);
      }
      return { status: 200, body: {} };
    },
  };
}
