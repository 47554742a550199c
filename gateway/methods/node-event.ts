import { z } from 'zod';
import { defineMethod } from './types.js';

/**
 * `node.event` (nodes only): something happened on the node. Accepted so OpenClaw's apps
 * can send them; ClawdBot does not act on any yet.
 */
export const nodeEventMethod = defineMethod({
  method: 'node.event',
  roles: ['node'],
  params: z.object({
    event: z.string().min(1),
    payload: z.unknown().optional(),
    payloadJSON: z.string().nullable().optional(),
  }),
  result: z.object({ ok: z.literal(true) }),
  handler() {
    return { ok: true as const };
  },
});
