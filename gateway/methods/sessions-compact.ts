import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { sessionKeyParam } from '../../core/protocol/index.js';
import { requireAgent, sessionKeyOf } from './deps.js';
import { defineMethod } from './types.js';

/** `sessions.compact`: summarise a session's older history now, as `/compact` in a chat does. */
export const sessionsCompactParams = z.object({
  key: sessionKeyParam,
  /** Makes a retried request the same compaction, not a second one. */
  idempotencyKey: z.string().min(1).max(256).optional(),
});

/** Result of `sessions.compact`: the run to follow with `agent.wait`. */
export const sessionsCompactResult = z.looseObject({
  ok: z.literal(true),
  key: z.string().min(1),
  runId: z.string().min(1),
});

/**
 * `sessions.compact`: queue a compaction turn on the session (behind any turn running), so
 * it runs as the session's own activity and is recorded like any turn. Its answer goes to
 * the protocol client, not to a messaging channel.
 */
export const sessionsCompactMethod = defineMethod({
  method: 'sessions.compact',
  params: sessionsCompactParams,
  result: sessionsCompactResult,
  async handler(params, context) {
    const agent = requireAgent(context);
    const key = sessionKeyOf(context, params.key);
    const { runId } = await agent.send(key, {
      messageId: params.idempotencyKey ?? `compact-${randomUUID()}`,
      text: '/compact',
      channel: 'webchat',
      receivedAt: Date.now(),
    });
    return { ok: true as const, key, runId };
  },
});
