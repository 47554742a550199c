import { z } from 'zod';
import {
  assertKnownChannel,
  channelAccountStatusSchema,
  requireChannels,
} from './channels-control.js';
import { defineMethod } from './types.js';

/** `channels.logout`: stop a channel account (all accounts of the channel without accountId) until the gateway restarts. */
export const channelsLogoutMethod = defineMethod({
  method: 'channels.logout',
  params: z.object({ channel: z.string().min(1), accountId: z.string().min(1).optional() }),
  result: z.object({ accounts: z.array(channelAccountStatusSchema) }),
  async handler(params, context) {
    const channels = requireChannels(context);
    assertKnownChannel(channels, params.channel);
    return { accounts: await channels.logout(params.channel, params.accountId) };
  },
});
