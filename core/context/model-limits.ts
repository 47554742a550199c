/**
 * How much a model can read and write: its context window and the reply budget a turn
 * reserves. Known models come from a table; `agent.contextTokens` overrides the window
 * (a local model served with a smaller context, or a test).
 */

/** A model's limits, in tokens. */
export interface ModelLimits {
  /** Everything the model reads plus what it writes must fit in this many tokens. */
  contextWindow: number;
  /** Most tokens one reply may take (the request's max_tokens). */
  maxOutput: number;
}

/**
 * Known model families by id prefix, longest prefix first. Windows are the providers'
 * documented ones; output budgets are what a chat turn needs, not each model's maximum
 * (a larger max_tokens only shrinks the room left for history).
 */
const knownModels: readonly (readonly [prefix: string, limits: ModelLimits])[] = [
  ['claude-opus-4', { contextWindow: 200_000, maxOutput: 16_384 }],
  ['claude-sonnet-4', { contextWindow: 200_000, maxOutput: 16_384 }],
  ['claude-haiku-4', { contextWindow: 200_000, maxOutput: 16_384 }],
  ['claude-3-7', { contextWindow: 200_000, maxOutput: 16_384 }],
  ['claude-3-5', { contextWindow: 200_000, maxOutput: 8_192 }],
  ['claude-3', { contextWindow: 200_000, maxOutput: 4_096 }],
  ['claude', { contextWindow: 200_000, maxOutput: 8_192 }],
  ['gpt-5', { contextWindow: 400_000, maxOutput: 16_384 }],
  ['gpt-4.1', { contextWindow: 1_047_576, maxOutput: 16_384 }],
  ['gpt-4o', { contextWindow: 128_000, maxOutput: 16_384 }],
  ['gpt-4-turbo', { contextWindow: 128_000, maxOutput: 4_096 }],
  ['gpt-4', { contextWindow: 8_192, maxOutput: 2_048 }],
  ['o4-mini', { contextWindow: 200_000, maxOutput: 16_384 }],
  ['o3', { contextWindow: 200_000, maxOutput: 16_384 }],
  ['o1', { contextWindow: 200_000, maxOutput: 16_384 }],
];

/** What an unknown model (a local server, a new release) is assumed to have: a modest window. */
export const defaultModelLimits: ModelLimits = { contextWindow: 128_000, maxOutput: 8_192 };

/**
 * Limits of a model reference (`anthropic/claude-sonnet-4-5`, `openai/gpt-4.1`, or a bare
 * id). With `contextTokens`, that is the window; the reply budget then never takes more
 * than a quarter of it, so a small window still leaves room for history.
 */
export function modelLimits(modelRef: string, contextTokens?: number): ModelLimits {
  const id = modelRef.slice(modelRef.indexOf('/') + 1).toLowerCase();
  // Providers add date or variant suffixes; OpenRouter-style ids carry a vendor prefix.
  const bare = id.slice(id.lastIndexOf('/') + 1);
  const known = knownModels.find(([prefix]) => bare.startsWith(prefix))?.[1] ?? defaultModelLimits;
  const contextWindow = contextTokens ?? known.contextWindow;
  return {
    contextWindow,
    maxOutput: Math.max(256, Math.min(known.maxOutput, Math.floor(contextWindow / 4))),
  };
}
