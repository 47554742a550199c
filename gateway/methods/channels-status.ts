import { z } from 'zod';
import { channelAccountStatusSchema, requireChannels } from './channels-control.js';
import { defineMethod } from './types.js';

/** `channels.status`: every configured channel account: running, connected, last traffic, last error. */
export const channelsStatusMethod = defineMethod({
  method: 'channels.status',
  params: z.object({ channel: z.string().min(1).optional() }),
  result: z.object({ ts: z.number(), accounts: z.array(channelAccountStatusSchema) }),
  handler(params, context) {
    const accounts = requireChannels(context)
      .status()
      .filter((account) => params.channel === undefined || account.channel === params.channel);
    return { ts: Date.now(), accounts };
  },
});
