// What both provider streams share: options, the response shape, and the loop that reads an
// SDK stream while keeping the caller's abort, an idle watchdog and error classification apart.
import type { AssistantMessage, TextBlock, ToolCallBlock, Usage } from '../../core/messages.js';
import type { RequestInput } from './convert.js';
import { classifyLlmError, LlmAbortError, LlmError } from './errors.js';
import type { LlmCallContext } from './errors.js';
import type { LlmProvider } from './model-ref.js';

/** Progress callbacks; both run synchronously inside the stream loop, so keep them cheap. */
export interface StreamCallbacks {
  /** Every piece of reply text, in order; their concatenation is the reply's text. */
  onTextDelta?: (delta: string) => void;
  /** Every event the SDK yields (text or not): proof of life for heartbeats. */
  onChunk?: () => void;
}

/** `providers.anthropic` / `providers.openai` of the config. */
export interface ProviderSettings {
  apiKey?: string | undefined;
  baseUrl?: string | undefined;
}

/** Timeouts of one call; both default to what suits a streaming activity. */
export interface CallLimits {
  /** Milliseconds until the response headers (the SDK's `timeout`); default 120 s. */
  timeoutMs?: number;
  /**
   * Milliseconds without any chunk after which the call fails as LLM_STALLED (retryable).
   * Off by default: reasoning models may think silently for minutes before the first token.
   */
  idleTimeoutMs?: number;
}

/** One call to one provider's model. */
export interface ProviderCallOptions extends RequestInput, StreamCallbacks, CallLimits {
  settings: ProviderSettings;
  signal?: AbortSignal | undefined;
}

/** Why the model stopped, limited to what a successful stream can report. */
export type LlmStopReason = Extract<AssistantMessage['stopReason'], 'stop' | 'toolUse' | 'length'>;

/** A finished reply, shaped to be spread into an AssistantMessage (add role and timestamp). */
export interface LlmResponse {
  content: (TextBlock | ToolCallBlock)[];
  stopReason: LlmStopReason;
  usage: Usage;
  /** The model as requested (provider-reported snapshot names vary between calls). */
  model: string;
  provider: LlmProvider;
  api: AssistantMessage['api'];
}

/** The SDK's default of 10 minutes is far longer than any sane wait for response headers. */
export const defaultTimeoutMs = 120_000;

/**
 * Open an SDK stream and hand each event to `handle`. SDK and transport failures become
 * LlmError, the caller's abort becomes LlmAbortError (the SDKs end a stream silently when
 * aborted, so that is checked too), and errors thrown by `handle` or the callbacks pass
 * through untouched: they are the caller's bugs, not the provider's.
 */
export async function consumeStream<Event>(
  context: LlmCallContext,
  options: Pick<ProviderCallOptions, 'signal' | 'idleTimeoutMs' | 'onChunk'>,
  open: (signal: AbortSignal) => PromiseLike<AsyncIterable<Event>>,
  handle: (event: Event) => void,
): Promise<void> {
  const { signal: callerSignal, idleTimeoutMs } = options;
  if (callerSignal?.aborted) throw new LlmAbortError(callerSignal.reason);
  const idle = new AbortController();
  const signal = callerSignal ? AbortSignal.any([callerSignal, idle.signal]) : idle.signal;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (idleTimeoutMs === undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), idleTimeoutMs);
  };
  const fail = (error: unknown): Error => {
    if (callerSignal?.aborted) return new LlmAbortError(callerSignal.reason);
    if (idle.signal.aborted) {
      return new LlmError({
        kind: 'retryable',
        code: 'LLM_STALLED',
        message: `${context.provider} sent nothing for ${idleTimeoutMs} ms.`,
        provider: context.provider,
        model: context.model,
      });
    }
    return classifyLlmError(error, context);
  };

  let iterator: AsyncIterator<Event> | undefined;
  arm();
  try {
    try {
      iterator = (await open(signal))[Symbol.asyncIterator]();
    } catch (error) {
      throw fail(error);
    }
    for (;;) {
      let result: IteratorResult<Event>;
      try {
        result = await iterator.next();
      } catch (error) {
        throw fail(error);
      }
      if (result.done) break;
      arm();
      options.onChunk?.();
      handle(result.value);
    }
    if (signal.aborted) throw fail(undefined);
  } finally {
    clearTimeout(timer);
    // Leaving early (a callback threw) must still close the HTTP response.
    await iterator?.return?.().catch(() => undefined);
  }
}

/** A stream that ended without its closing event lost its tail: another attempt may succeed. */
export function incompleteStream(context: LlmCallContext): LlmError {
  return new LlmError({
    kind: 'retryable',
    code: 'LLM_STREAM_INCOMPLETE',
    message: `The ${context.provider} stream ended before the reply was complete.`,
    provider: context.provider,
    model: context.model,
  });
}

/** Parse a tool call's accumulated arguments; invalid JSON is kept as `{ _raw }` for the tool to report. */
export function parseToolArguments(json: string): Record<string, unknown> {
  if (json.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through: the model wrote something that is not a JSON object
  }
  return { _raw: json };
}

/**
 * Some OpenAI-compatible servers say "stop" while returning tool calls, and a "tool use" stop
 * without calls would leave the agent loop waiting for results that never come.
 */
export function reconcileStopReason(
  reported: LlmStopReason,
  content: LlmResponse['content'],
): LlmStopReason {
  if (reported === 'length') return reported;
  return content.some((block) => block.type === 'toolCall') ? 'toolUse' : 'stop';
}

/** Total tokens counted the same way for both providers: everything in and out. */
export function withTotal(usage: Omit<Usage, 'totalTokens'>): Usage {
  return {
    ...usage,
    totalTokens: usage.input + usage.output + usage.cacheRead + usage.cacheWrite,
  };
}
