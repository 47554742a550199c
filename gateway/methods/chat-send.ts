import { ClawdbotError } from '../../core/errors.js';
import { chatSendParams, chatSendResult } from '../../core/protocol/index.js';
import { toInboundAttachments } from './attachments.js';
import { requireAgent, sessionKeyOf } from './deps.js';
import { defineMethod } from './types.js';

/**
 * `chat.send`: queue the message on its session and answer at once; the run streams as
 * `agent`/`chat` events. The idempotency key is the message id, so a client retrying
 * the same send gets the same run, never a second turn.
 */
export const chatSendMethod = defineMethod({
  method: 'chat.send',
  params: chatSendParams,
  result: chatSendResult,
  async handler(params, context) {
    const agent = requireAgent(context);
    const sessionKey = sessionKeyOf(context, params.sessionKey);
    const attachments = toInboundAttachments(params.attachments);
    if (params.message.trim() === '' && attachments === undefined) {
      throw new ClawdbotError('INVALID_REQUEST', 'message is empty');
    }
    const { runId } = await agent.send(sessionKey, {
      messageId: params.idempotencyKey,
      text: params.message,
      channel: 'webchat',
      receivedAt: Date.now(),
      ...(attachments === undefined ? {} : { attachments }),
    });
    return { runId, status: 'started' as const };
  },
});
