import { LlmError } from './errors.js';

/** The LLM APIs we speak. `openai` covers every OpenAI-compatible server (OpenRouter, vLLM, Ollama). */
export type LlmProvider = 'anthropic' | 'openai';

/**
 * Model providers that plugins add (`ollama`): id → where its OpenAI-compatible endpoint
 * is now. Resolved per call, so a provider may follow its config or discovery.
 */
export type ModelProviders = ReadonlyMap<
  string,
  () => Promise<{ baseUrl: string; apiKey?: string | undefined }>
>;

/** A parsed `provider/model` reference. */
export interface ModelRef {
  /** The API the model is called with. */
  provider: LlmProvider;
  /** The provider's model id; may itself contain slashes (`meta-llama/llama-3.1-8b`). */
  model: string;
  /** Set for a plugin's provider (`ollama/llama3.2`): its id, whose endpoint is used. */
  via?: string;
}

/**
 * Split `anthropic/claude-sonnet-4-5` or `openai/meta-llama/llama-3.1-8b` at the first slash;
 * with `extra`, also `<plugin provider>/<model>` (spoken over the OpenAI API). Throws a fatal
 * LlmError for anything else, since no retry can fix a bad reference.
 */
export function parseModelRef(ref: string, extra?: ModelProviders): ModelRef {
  const slash = ref.indexOf('/');
  const provider = ref.slice(0, slash);
  const model = ref.slice(slash + 1).trim();
  if (slash > 0 && model && (provider === 'anthropic' || provider === 'openai')) {
    return { provider, model };
  }
  if (slash > 0 && model && extra?.has(provider))
    return { provider: 'openai', model, via: provider };
  const known = ['anthropic', 'openai', ...(extra?.keys() ?? [])].map((id) => `"${id}/<model>"`);
  throw new LlmError({
    kind: 'fatal',
    code: 'LLM_INVALID_MODEL_REF',
    message: `"${ref}" is not a model reference: write ${known.join(' or ')} in agent.model / agent.fallbacks (a plugin's provider needs its plugin enabled).`,
    provider: slash > 0 ? provider : 'unknown',
    model: ref,
  });
}
