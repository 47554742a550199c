import { z } from 'zod';
import { requireNodes } from './node-deps.js';
import { defineMethod } from './types.js';

/** `node.pair.list`: pending requests and paired nodes (never their tokens). */
export const nodePairListMethod = defineMethod({
  method: 'node.pair.list',
  params: z.object({}),
  result: z.object({ pending: z.array(z.unknown()), paired: z.array(z.unknown()) }),
  handler(_params, context) {
    return requireNodes(context).pairing.list();
  },
});
