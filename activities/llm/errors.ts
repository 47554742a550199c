// LLM call failures, sorted into "another attempt (or another model) may succeed" and "the user
// must change something first". Temporal retries the former and stops on the latter.

/** Every code an LlmError can carry, and what it means. */
export const llmErrorCodes = {
  LLM_INVALID_MODEL_REF: 'A model reference is not "anthropic/<model>" or "openai/<model>".',
  LLM_NO_API_KEY: 'No API key is configured for the provider.',
  LLM_UNAUTHORIZED: 'The provider rejected the API key (401).',
  LLM_FORBIDDEN: 'The API key may not use this model or endpoint (403).',
  LLM_MODEL_NOT_FOUND: 'The provider does not know the model (404).',
  LLM_BAD_REQUEST: 'The provider rejected the request itself (400, 422, other 4xx).',
  LLM_CONTEXT_OVERFLOW: 'The request was longer than the model context window (400).',
  LLM_RATE_LIMITED: 'Too many requests (429); retry after retryAfterMs.',
  LLM_OVERLOADED: 'The provider is overloaded (529, overloaded_error).',
  LLM_UNAVAILABLE: 'The provider failed or asked for a retry (5xx, 408, 409, an error event).',
  LLM_TIMEOUT: 'No response headers arrived within the request timeout.',
  LLM_CONNECTION: 'The connection failed, or dropped before the stream ended.',
  LLM_STREAM_INCOMPLETE: 'The stream ended cleanly but without its closing event.',
  LLM_STALLED: 'No chunk arrived within idleTimeoutMs.',
} as const;

/** A stable LlmError code. */
export type LlmErrorCode = keyof typeof llmErrorCodes;

/** Whether another attempt can succeed (`retryable`) or the user must fix something (`fatal`). */
export type LlmErrorKind = 'retryable' | 'fatal';

/** Fields of an LlmError. */
export interface LlmErrorInit {
  kind: LlmErrorKind;
  code: LlmErrorCode;
  message: string;
  /** `anthropic`, `openai`, or the unparsable prefix of a bad model reference. */
  provider: string;
  model: string;
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

/** A classified LLM failure; its message is written for the user. */
export class LlmError extends Error {
  override readonly name = 'LlmError';
  readonly kind: LlmErrorKind;
  readonly code: LlmErrorCode;
  readonly provider: string;
  readonly model: string;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(init: LlmErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.code = init.code;
    this.provider = init.provider;
    this.model = init.model;
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }
}

/** Thrown when the caller's signal aborted the call; deliberately not an LlmError. */
export class LlmAbortError extends Error {
  override readonly name = 'AbortError';
  constructor(reason?: unknown) {
    super('The LLM call was aborted.', { cause: reason });
  }
}

/** What classifyLlmError needs to know about the failed call. */
export interface LlmCallContext {
  provider: 'anthropic' | 'openai';
  model: string;
  /** The configured base URL, if not the provider's default (a wrong one often causes 404s). */
  baseUrl?: string | undefined;
}

const providerNames = { anthropic: 'Anthropic', openai: 'OpenAI' } as const;

/**
 * Turn anything an SDK call or its stream threw into an LlmError. Errors that are not HTTP
 * responses come from the transport (refused, reset, "terminated" mid-body), so they are
 * retryable; callers must not route their own callbacks' errors through here.
 */
export function classifyLlmError(error: unknown, context: LlmCallContext): LlmError {
  if (error instanceof LlmError) return error;
  const { provider, model } = context;
  const name = providerNames[provider];
  const base = { provider, model, cause: error };
  if (isSdkError(error, 'APIConnectionTimeoutError')) {
    const message = `${name} did not answer within the request timeout.`;
    return new LlmError({ ...base, kind: 'retryable', code: 'LLM_TIMEOUT', message });
  }
  const api = apiErrorOf(error);
  if (!api || api.connection) {
    const detail = describeCause(error);
    const message = `The connection to ${name} failed: ${detail}.`;
    return new LlmError({ ...base, kind: 'retryable', code: 'LLM_CONNECTION', message });
  }
  const said = providerMessage(api.body) ?? api.message;
  const status = api.status;
  const retryAfterMs = api.headers ? parseRetryAfter(api.headers) : undefined;
  const retryable = (code: LlmErrorCode, message: string) =>
    new LlmError({
      ...base,
      kind: 'retryable',
      code,
      message,
      ...(status === undefined ? {} : { status }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  const fatal = (code: LlmErrorCode, message: string) =>
    new LlmError({ ...base, kind: 'fatal', code, message, status });

  if (status === undefined) {
    // An error event inside a 200 stream: overloaded_error, api_error, server_error and the like.
    const type = errorType(api.body);
    const code = type === 'overloaded_error' ? 'LLM_OVERLOADED' : 'LLM_UNAVAILABLE';
    return retryable(code, `${name} failed mid-stream: ${said}`);
  }
  if (status === 429) {
    return retryable('LLM_RATE_LIMITED', `${name} rate limit reached (429): ${said}`);
  }
  if (status === 529) return retryable('LLM_OVERLOADED', `${name} is overloaded (529): ${said}`);
  if (status >= 500 || status === 408 || status === 409) {
    return retryable('LLM_UNAVAILABLE', `${name} failed (${status}): ${said}`);
  }
  const envName = provider === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY';
  if (status === 401) {
    return fatal(
      'LLM_UNAUTHORIZED',
      `${name} rejected the API key (401). Set ${envName} or providers.${provider}.apiKey.`,
    );
  }
  if (status === 403) {
    return fatal(
      'LLM_FORBIDDEN',
      `${name} refused access (403): ${said}. Check that the API key may use model "${model}".`,
    );
  }
  if (status === 404) {
    const baseUrlHint = context.baseUrl ? ` or providers.${provider}.baseUrl` : '';
    return fatal(
      'LLM_MODEL_NOT_FOUND',
      `Model "${model}" was not found by ${name} (404): check agent.model / the model name${baseUrlHint}. ${name} said: ${said}`,
    );
  }
  if (isContextOverflow(api.body, said)) {
    return fatal('LLM_CONTEXT_OVERFLOW', `${name} found the request too long (${status}): ${said}`);
  }
  return fatal('LLM_BAD_REQUEST', `${name} rejected the request (${status}): ${said}`);
}

/** Anthropic says "prompt is too long"; OpenAI sends code context_length_exceeded. */
function isContextOverflow(body: unknown, said: string): boolean {
  const inner = record(record(body)?.error) ?? record(body);
  if (inner?.code === 'context_length_exceeded') return true;
  return /prompt is too long|maximum context length|context.length.exceeded/i.test(said);
}

/**
 * The input tokens a provider counted in its overflow message, if it said: Anthropic's
 * "prompt is too long: N tokens > M maximum", OpenAI's "your messages resulted in N
 * tokens" or "you requested N tokens (X in the messages, Y in the completion)".
 */
export function overflowInputTokens(message: string): number | undefined {
  const patterns = [
    /too long:\s*(\d+)\s*tokens/i,
    /\((\d+) in the messages/i,
    /resulted in (\d+) tokens/i,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(message);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/**
 * Milliseconds to wait from `retry-after-ms` (milliseconds) or `retry-after` (seconds or an
 * HTTP date), the headers Anthropic and OpenAI send with 429s and some 5xx.
 */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.ceil(milliseconds);
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number.parseFloat(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface ApiErrorView {
  status: number | undefined;
  headers: Headers | undefined;
  body: unknown;
  message: string;
  connection: boolean;
}

/**
 * Whether an error is (a subclass of) the SDK error class of that name. Both SDKs name their
 * classes alike; checking names instead of `instanceof` keeps them out of this module, so
 * a process loads an SDK only when it calls that provider.
 */
function isSdkError(error: unknown, className: string): error is SdkApiError {
  if (!(error instanceof Error)) return false;
  for (
    let proto: unknown = Object.getPrototypeOf(error);
    proto;
    proto = Object.getPrototypeOf(proto)
  ) {
    if ((proto as { constructor?: { name?: string } }).constructor?.name === className) return true;
  }
  return false;
}

/** The fields both SDKs' APIError classes have. */
interface SdkApiError extends Error {
  status: unknown;
  headers: unknown;
  error: unknown;
}

/** The two SDKs' APIError classes are distinct but shaped alike; read them one way. */
function apiErrorOf(error: unknown): ApiErrorView | undefined {
  if (!isSdkError(error, 'APIError')) return undefined;
  // The generic class parameters surface as `any`; narrow them before use.
  return {
    status: typeof error.status === 'number' ? error.status : undefined,
    headers: error.headers instanceof Headers ? error.headers : undefined,
    body: error.error,
    message: error.message,
    connection: isSdkError(error, 'APIConnectionError'),
  };
}

/** Anthropic nests `{ error: { type, message } }` in the body; OpenAI's SDK hands over the inner object. */
function providerMessage(body: unknown): string | undefined {
  const inner = record(record(body)?.error) ?? record(body);
  return typeof inner?.message === 'string' ? inner.message : undefined;
}

function errorType(body: unknown): string | undefined {
  const inner = record(record(body)?.error) ?? record(body);
  return typeof inner?.type === 'string' ? inner.type : undefined;
}

/** undici reports "terminated" / "fetch failed" and hides the useful part in `cause`. */
function describeCause(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    if (!parts.includes(current.message)) parts.push(current.message);
    current = current.cause;
  }
  return parts.join(': ') || String(error);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)
    : undefined;
}
