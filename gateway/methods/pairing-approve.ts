import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { assertKnownChannel, requireChannels } from './channels-control.js';
import { defineMethod } from './types.js';

/**
 * `pairing.approve`: allow the sender of a pending pairing code (added to
 * `<stateDir>/credentials/<channel>-allowFrom.json`) and, unless `notify: false`, tell them.
 */
export const pairingApproveMethod = defineMethod({
  method: 'pairing.approve',
  params: z.object({
    channel: z.string().min(1),
    code: z.string().min(1).max(32),
    notify: z.boolean().default(true),
  }),
  result: z.object({
    channel: z.string(),
    senderId: z.string(),
    notified: z.boolean(),
    notifyError: z.string().optional(),
  }),
  async handler(params, context) {
    const channels = requireChannels(context);
    assertKnownChannel(channels, params.channel);
    const result = await channels.pairingApprove(params.channel, params.code, params.notify);
    if (!result.approved) {
      throw new ClawdbotError(
        'NOT_FOUND',
        `no pending ${params.channel} pairing request with code ${params.code}`,
        { channel: params.channel },
      );
    }
    const { approved: _approved, ...rest } = result;
    return rest;
  },
});
