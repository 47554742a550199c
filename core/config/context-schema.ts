// Config of context management (issue 13), kept apart from schema.ts so the sections other
// features add there do not collide with these.
import { z } from 'zod';

/** `agent.compaction`: when and how older history is summarised. */
export const compactionSchema = z.strictObject({
  thresholdRatio: z
    .number()
    .min(0.2)
    .max(0.95)
    .default(0.8)
    .describe(
      'Compact when the history (after pruning old tool results) would take more than this ' +
        'share of the room the context window leaves after the system prompt, tools and reply',
    ),
  keepRatio: z
    .number()
    .min(0.05)
    .max(0.6)
    .default(0.3)
    .describe('Share of that room kept verbatim (the newest turns) when compacting'),
});

/** `agent.contextTokens`: the model's context window, overriding the table of known models. */
export const contextTokensSchema = z
  .number()
  .int()
  .min(2_000)
  .max(10_000_000)
  .optional()
  .describe("The model's context window in tokens; default from the table of known models");

/** When a session starts over with a new session id (its old transcript is kept). */
export const resetPolicySchema = z.strictObject({
  mode: z
    .enum(['daily', 'idle', 'off'])
    .default('off')
    .describe(
      'daily: the first message after atHour (local time) each day starts a new session; ' +
        'idle: the first message after idleMinutes without activity does; off: never',
    ),
  atHour: z.number().int().min(0).max(23).default(4).describe('Hour of the daily reset'),
  idleMinutes: z.number().int().min(1).max(525_600).default(240),
});

/** A reset policy after defaults. */
export type ResetPolicy = z.output<typeof resetPolicySchema>;

/** `session.reset` and its per-channel overrides `session.resetByChannel`. */
export const sessionResetFields = {
  reset: resetPolicySchema.default(resetPolicySchema.parse({})),
  resetByChannel: z
    .record(z.string().min(1), resetPolicySchema)
    .default({})
    .describe(
      'Reset policy per channel id (telegram, discord, webchat...), replacing session.reset',
    ),
};
