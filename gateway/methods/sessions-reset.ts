import { sessionsResetParams, sessionsResetResult } from '../../core/protocol/index.js';
import { abortQuietly, requireSessions, sessionKeyOf } from './deps.js';
import { defineMethod } from './types.js';

/** `sessions.reset`: give the key a fresh session id; the old transcript stays on disk. */
export const sessionsResetMethod = defineMethod({
  method: 'sessions.reset',
  params: sessionsResetParams,
  result: sessionsResetResult,
  async handler(params, context) {
    const store = requireSessions(context);
    const key = sessionKeyOf(context, params.key);
    await abortQuietly(context, key);
    const { entry, previous } = await store.reset(key);
    if (previous) {
      // Best effort: the reset stands even when the hooks cannot be started.
      await context.gateway.deps
        .sessionEnded?.({
          sessionKey: key,
          sessionId: previous.sessionId,
          reason: 'api',
          endedAt: Date.now(),
        })
        .catch(() => undefined);
    }
    return { ok: true as const, key, entry };
  },
});
