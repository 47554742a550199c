import { ClawdbotError } from '../../core/errors.js';
import { sessionsDeleteParams, sessionsDeleteResult } from '../../core/protocol/index.js';
import { abortQuietly, requireSessions, sessionKeyOf } from './deps.js';
import { defineMethod } from './types.js';

/** `sessions.delete`: forget a key and archive its transcript; the main session cannot go. */
export const sessionsDeleteMethod = defineMethod({
  method: 'sessions.delete',
  params: sessionsDeleteParams,
  result: sessionsDeleteResult,
  async handler(params, context) {
    const store = requireSessions(context);
    const key = sessionKeyOf(context, params.key);
    const mainKey = `agent:${context.gateway.config().agent.id}:main`;
    if (key === mainKey) {
      throw new ClawdbotError('INVALID_REQUEST', `Cannot delete the main session (${mainKey})`, {
        key,
      });
    }
    await abortQuietly(context, key);
    return { ok: true as const, key, deleted: await store.delete(key) };
  },
});
