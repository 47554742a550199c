import { LlmError } from './errors.js';

/** The LLM APIs we speak. `openai` covers every OpenAI-compatible server (OpenRouter, vLLM, Ollama). */
export type LlmProvider = 'anthropic' | 'openai';

/** A parsed `provider/model` reference. */
export interface ModelRef {
  provider: LlmProvider;
  /** The provider's model id; may itself contain slashes (`meta-llama/llama-3.1-8b`). */
  model: string;
}

/**
 * Split `anthropic/claude-sonnet-4-5` or `openai/meta-llama/llama-3.1-8b` at the first slash.
 * Throws a fatal LlmError for anything else, since no retry can fix a bad reference.
 */
export function parseModelRef(ref: string): ModelRef {
  const slash = ref.indexOf('/');
  const provider = ref.slice(0, slash);
  const model = ref.slice(slash + 1).trim();
  if (slash > 0 && model && (provider === 'anthropic' || provider === 'openai')) {
    return { provider, model };
  }
  throw new LlmError({
    kind: 'fatal',
    code: 'LLM_INVALID_MODEL_REF',
    message: `"${ref}" is not a model reference: write "anthropic/<model>" or "openai/<model>" in agent.model / agent.fallbacks.`,
    provider: slash > 0 ? provider : 'unknown',
    model: ref,
  });
}
