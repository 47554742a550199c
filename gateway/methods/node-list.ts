import { z } from 'zod';
import { describeNodes } from '../nodes/describe.js';
import { requireNodes } from './node-deps.js';
import { defineMethod } from './types.js';

/** `node.list`: paired and connected nodes, connected first (OpenClaw's fields). */
export const nodeListMethod = defineMethod({
  method: 'node.list',
  params: z.object({}),
  result: z.object({ ts: z.number(), nodes: z.array(z.unknown()) }),
  handler(_params, context) {
    return { ts: Date.now(), nodes: describeNodes(requireNodes(context)) };
  },
});
