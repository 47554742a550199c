import { z } from 'zod';
import { assertKnownChannel, pairingRequestSchema, requireChannels } from './channels-control.js';
import { defineMethod } from './types.js';

/** `pairing.list`: pending DM pairing requests (of one channel, or all). */
export const pairingListMethod = defineMethod({
  method: 'pairing.list',
  params: z.object({ channel: z.string().min(1).optional() }),
  result: z.object({ requests: z.array(pairingRequestSchema) }),
  async handler(params, context) {
    const channels = requireChannels(context);
    if (params.channel !== undefined) assertKnownChannel(channels, params.channel);
    return { requests: await channels.pairingList(params.channel) };
  },
});
