// One LLM reply: the primary model first, then the fallbacks, each tried once. Retrying the
// same model later is Temporal's job (a new activity attempt starts at the primary again).
import type { Config } from '../../core/config/schema.js';
import type { Conversation } from './convert.js';
import { LlmError } from './errors.js';
import { parseModelRef } from './model-ref.js';
import type { CallLimits, LlmResponse, StreamCallbacks } from './stream.js';

/** Everything one generate call needs; the callbacks feed streaming and heartbeats. */
export interface GenerateOptions extends Conversation, StreamCallbacks, CallLimits {
  /** Model references, primary first, then the fallbacks (`anthropic/...`, `openai/...`). */
  models: string[];
  maxTokens: number;
  signal?: AbortSignal | undefined;
  providers: Config['providers'];
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
  const { models, providers, onRestart, ...call } = options;
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
  const refs = models.map(parseModelRef);
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
      return await stream({ ...call, model: ref.model, settings: providers[ref.provider] });
    } catch (error) {
      if (!(error instanceof LlmError) || error.kind === 'fatal') throw error;
      lastError = error;
    }
  }
  // The loop ran at least once and every pass either returned or set lastError.
  throw lastError ?? new Error('unreachable: no model was tried');
}
