import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { describeNodes } from '../nodes/describe.js';
import { requireNodes } from './node-deps.js';
import { defineMethod } from './types.js';

/** `node.describe {nodeId}`: one node's identity, capabilities and commands. */
export const nodeDescribeMethod = defineMethod({
  method: 'node.describe',
  params: z.object({ nodeId: z.string().min(1) }),
  result: z.object({ nodeId: z.string() }).loose(),
  handler(params, context) {
    const node = describeNodes(requireNodes(context)).find((n) => n.nodeId === params.nodeId);
    if (!node) throw new ClawdbotError('NOT_FOUND', `unknown node ${params.nodeId}`);
    return { ts: Date.now(), ...node };
  },
});
