import { ClawdbotError } from '../../core/errors.js';
import { sessionsPatchParams, sessionsPatchResult } from '../../core/protocol/index.js';
import { requireSessions, sessionKeyOf } from './deps.js';
import { defineMethod } from './types.js';

/**
 * `sessions.patch`: a session's label, and (ClawdBot, cluster only) the worker host that
 * runs its file and shell tools — the way out when the host that owned it is gone.
 */
export const sessionsPatchMethod = defineMethod({
  method: 'sessions.patch',
  params: sessionsPatchParams,
  result: sessionsPatchResult,
  async handler(params, context) {
    const store = requireSessions(context);
    const key = sessionKeyOf(context, params.key);
    if (params.host !== undefined && !store.shared) {
      throw new ClawdbotError(
        'INVALID_REQUEST',
        'host applies only to a cluster (sessions in PostgreSQL, store.postgresUrl): with ' +
          'sessions in files every session runs on this machine',
        { field: 'host' },
      );
    }
    const entry = await store.patch(key, {
      ...(params.label !== undefined ? { label: params.label } : {}),
      ...(params.host !== undefined ? { host: params.host } : {}),
    });
    if (entry === undefined) throw new ClawdbotError('NOT_FOUND', `no session ${key}`, { key });
    return { ok: true as const, key, entry };
  },
});
