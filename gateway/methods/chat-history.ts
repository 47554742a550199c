import { chatHistoryParams, chatHistoryResult } from '../../core/protocol/index.js';
import { requireAgent, sessionKeyOf } from './deps.js';
import { defineMethod } from './types.js';

const DEFAULT_LIMIT = 200;

/** `chat.history`: the last `limit` messages of a session, oldest first. */
export const chatHistoryMethod = defineMethod({
  method: 'chat.history',
  params: chatHistoryParams,
  result: chatHistoryResult,
  async handler(params, context) {
    const history = await requireAgent(context).history(
      sessionKeyOf(context, params.sessionKey),
      params.limit ?? DEFAULT_LIMIT,
    );
    // ClawdBot has no thinking levels yet; OpenClaw clients expect the field.
    return { ...history, thinkingLevel: 'off' };
  },
});
