import { ClawdbotError } from '../../core/errors.js';
import { sendParams, sendResult } from '../../core/protocol/index.js';
import { defineMethod } from './types.js';

/** One outbound delivery, as the `send` method hands it to a channel. */
export interface OutboundSend {
  channel: string;
  to: string;
  message?: string;
  mediaUrls?: string[];
  accountId?: string;
  /** The channel dedupes on it, so a retried `send` delivers once. */
  idempotencyKey: string;
}

/** The channels the gateway can deliver to (wired when channel adapters exist). */
export interface OutboundChannels {
  /** Names of the configured channels. */
  names(): string[];
  send(request: OutboundSend): Promise<{ messageId: string }>;
}

/** `send`: deliver a message to a channel target directly, outside any agent run. */
export const sendMethod = defineMethod({
  method: 'send',
  params: sendParams,
  result: sendResult,
  async handler(params, context) {
    const channels = context.gateway.deps.channels;
    const names = channels?.names() ?? [];
    // Without an explicit channel, the only configured one is unambiguous.
    const channel = params.channel || (names.length === 1 ? names[0] : undefined);
    if (channel === undefined) {
      throw new ClawdbotError(
        names.length === 0 ? 'UNAVAILABLE' : 'INVALID_REQUEST',
        names.length === 0
          ? 'no channel is configured'
          : `send needs a channel: one of ${names.join(', ')}`,
      );
    }
    if (channels === undefined || !names.includes(channel)) {
      throw new ClawdbotError('UNAVAILABLE', `no channel named ${channel} is configured`, {
        channel,
      });
    }
    const mediaUrls = [...(params.mediaUrl ? [params.mediaUrl] : []), ...(params.mediaUrls ?? [])];
    const { messageId } = await channels.send({
      channel,
      to: params.to,
      idempotencyKey: params.idempotencyKey,
      ...(params.message === undefined ? {} : { message: params.message }),
      ...(mediaUrls.length === 0 ? {} : { mediaUrls }),
      ...(params.accountId === undefined ? {} : { accountId: params.accountId }),
    });
    return { runId: params.idempotencyKey, messageId, channel };
  },
});
