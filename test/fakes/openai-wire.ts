// OpenAI Chat Completions wire format, as much of it as the openai SDK reads.
import type { ParsedBody, Reply, SsePlan } from './llm-server.js';

/** Route the OpenAI SDK posts to (it appends `/chat/completions` to a `baseURL` ending in `/v1`). */
export const path = '/v1/chat/completions';

const errorKinds: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
};

/** Error body in OpenAI's shape. */
export function errorBody(status: number, message: string): unknown {
  const kind = errorKinds[status] ?? { type: 'server_error', code: null };
  return { error: { message, type: kind.type, param: null, code: kind.code } };
}

/** Headers every OpenAI response carries. */
export function headers(id: string): Record<string, string> {
  return { 'x-request-id': `req_fake_${id}` };
}

/** Body of `GET /v1/models`. */
export function modelList(models: string[]): unknown {
  const data = models.map((id) => ({ id, object: 'model', created: 1735689600, owned_by: 'fake' }));
  return { object: 'list', data };
}

/** Pull what the fake needs out of a Chat Completions request, or the 400 message a real API would give. */
export function parseRequest(body: unknown): ParsedBody {
  const request = asRecord(body);
  if (typeof request.model !== 'string' || !request.model) {
    return { error: 'you must provide a model parameter' };
  }
  if (!Array.isArray(request.messages)) return { error: "Missing required parameter: 'messages'." };
  const messages = request.messages.map(asRecord);
  const trailingTools: string[] = [];
  for (const message of messages.toReversed()) {
    if (message.role !== 'tool') break;
    trailingTools.unshift(textOf(message.content));
  }
  const userText =
    messages
      .filter((message) => message.role === 'user')
      .map((message) => textOf(message.content))
      .findLast((text) => text !== '') ?? '';
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  return {
    model: request.model,
    stream: request.stream === true,
    ...(typeof maxTokens === 'number' ? { maxTokens } : {}),
    includeUsage: asRecord(request.stream_options).include_usage === true,
    userText,
    toolResults: trailingTools,
  };
}

/** The 400 the API answers a request longer than the model's window with (messages plus completion). */
export function contextOverflow(
  inputTokens: number,
  maxTokens: number | undefined,
  window: number,
): unknown {
  const requested = inputTokens + (maxTokens ?? 0);
  if (requested <= window) return undefined;
  const message =
    maxTokens === undefined
      ? `This model's maximum context length is ${window} tokens. However, your messages resulted in ${inputTokens} tokens. Please reduce the length of the messages.`
      : `This model's maximum context length is ${window} tokens. However, you requested ${requested} tokens (${inputTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`;
  return {
    error: {
      message,
      type: 'invalid_request_error',
      param: 'messages',
      code: 'context_length_exceeded',
    },
  };
}

/** Non-streaming response body. */
export function message(reply: Reply, id: string): unknown {
  const toolCalls = reply.toolCalls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.argumentChunks.join('') },
  }));
  const assistant = {
    role: 'assistant',
    content: reply.text ? reply.text.join('') : null,
    refusal: null,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
  const choice = {
    index: 0,
    message: assistant,
    logprobs: null,
    finish_reason: finishReason(reply),
  };
  return { ...shell(reply, id, 'chat.completion'), choices: [choice], usage: usage(reply) };
}

/** `data:` lines of a streaming response, ending with `[DONE]` like the real API. */
export function stream(reply: Reply, id: string, includeUsage: boolean): SsePlan {
  const frames: SsePlan['frames'] = [];
  const base = {
    ...shell(reply, id, 'chat.completion.chunk'),
    ...(includeUsage ? { usage: null } : {}),
  };
  const send = (data: unknown, delta = false) =>
    frames.push({ data: `data: ${JSON.stringify(data)}\n\n`, delta });
  const chunk = (delta: unknown, isDelta = false, finish: string | null = null) =>
    send(
      { ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] },
      isDelta,
    );

  chunk({ role: 'assistant', content: reply.text ? '' : null, refusal: null });
  for (const content of reply.text ?? []) chunk({ content }, true);
  for (const [index, call] of reply.toolCalls.entries()) {
    const function_ = { name: call.name, arguments: '' };
    chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: function_ }] });
    for (const piece of call.argumentChunks) {
      chunk({ tool_calls: [{ index, function: { arguments: piece } }] }, true);
    }
  }
  const tailStart = frames.length;
  chunk({}, false, finishReason(reply));
  if (includeUsage) send({ ...base, choices: [], usage: usage(reply) });
  frames.push({ data: 'data: [DONE]\n\n', delta: false });
  return { frames, tailStart };
}

function shell(reply: Reply, id: string, object: string) {
  return {
    id: `chatcmpl-fake-${id}`,
    object,
    created: Math.floor(Date.now() / 1000),
    model: reply.model,
    system_fingerprint: null,
  };
}

function usage(reply: Reply) {
  return {
    prompt_tokens: reply.inputTokens,
    completion_tokens: reply.outputTokens,
    total_tokens: reply.inputTokens + reply.outputTokens,
    ...(reply.cache ? { prompt_tokens_details: { cached_tokens: reply.cache.cacheRead } } : {}),
  };
}

function finishReason(reply: Reply): string {
  return reply.toolCalls.length > 0 ? 'tool_calls' : 'stop';
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map(asRecord)
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('\n');
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
