import { chatAbortParams, chatAbortResult } from '../../core/protocol/index.js';
import { requireAgent, sessionKeyOf } from './deps.js';
import { defineMethod } from './types.js';

/** `chat.abort`: cancel the session's current run, or the named one. */
export const chatAbortMethod = defineMethod({
  method: 'chat.abort',
  params: chatAbortParams,
  result: chatAbortResult,
  async handler(params, context) {
    const outcome = await requireAgent(context).abort(
      sessionKeyOf(context, params.sessionKey),
      params.runId,
    );
    return { ok: true as const, ...outcome };
  },
});
