// One LLM reply: the primary model first, then the fallbacks, each tried once. Retrying the
// same model later is Temporal's job (a new activity attempt starts at the primary again).
import type { Config } from '../../core/config/schema.js';
import type { Conversation } from './convert.js';
import { LlmError } from './errors.js';
import { parseModelRef, type ModelProviders } from './model-ref.js';
import type { CallLimits, LlmResponse, StreamCallbacks } from './stream.js';

/** Everything one generate call needs; the callbacks feed streaming and heartbeats. */
export interface GenerateOptions extends Conversation, StreamCallbacks, CallLimits {
  /** Model references, primary first, then the fallbacks (`anthropic/...`, `openai/...`). */
  models: string[];
  maxTokens: number;
  signal?: AbortSignal | undefined;
  providers: Config['providers'];
  /** Providers plugins registered (`ollama/<model>`); without them only the built-in ones resolve. */
  modelProviders?: ModelProviders | undefined;
  /**
   * Called before moving on to the next model after a retryable failure: text streamed so far
   * belongs to an abandoned reply and clients should discard it.
   */
  onRestart?: (reason: string) => void;
}

/**
 * Ask the models in order. A fatal LlmError (bad key, unknown model, bad request) is thrown at
 * once, since the user must fix the config; a retryable one moves on to the next model; when
 * all failed, the last retryable LlmError is thrown, with its retryAfterMs. An abort throws
 * LlmAbortError; errors thrown by the callbacks propagate unchanged. The reply says (`model`,
 * `provider`) which model answered.
 */
export async function generate(options: GenerateOptions): Promise<LlmResponse> {
  const { models, providers, modelProviders, onRestart, ...call } = options;
  if (models.length === 0) {
    throw new LlmError({
      kind: 'fatal',
      code: 'LLM_INVALID_MODEL_REF',
      message: 'No model is configured: set agent.model.',
      provider: 'unknown',
      model: '',
    });
  }
  // Parse every reference first: a typo in a fallback is a config error worth reporting now.
  const refs = models.map((ref) => parseModelRef(ref, modelProviders));
  let lastError: LlmError | undefined;
  for (const [index, ref] of refs.entries()) {
    if (lastError) {
      const next = models[index] ?? ref.model;
      onRestart?.(`${models[index - 1] ?? ''} failed (${lastError.message}); trying ${next}`);
    }
    // Each provider's SDK is loaded on its first call: a process holds only those it uses.
    const stream =
      ref.provider === 'anthropic'
        ? (await import('./anthropic.js')).streamAnthropic
        : (await import('./openai.js')).streamOpenAi;
    try {
      // A plugin's provider is asked where it is now (inside the try: an unreachable
      // registry is as retryable as an unreachable model).
      const settings = ref.via ? await modelProviders!.get(ref.via)!() : providers[ref.provider];
      return await stream({ ...call, model: ref.model, settings });
    } catch (error) {
      if (!(error instanceof LlmError) || error.kind === 'fatal') throw error;
      lastError = error;
    }
  }
  // The loop ran at least once and every pass either returned or set lastError.
  throw lastError ?? new Error('unreachable: no model was tried');
}
