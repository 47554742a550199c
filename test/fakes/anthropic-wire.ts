// Anthropic Messages API wire format, as much of it as @anthropic-ai/sdk reads.
import type { ParsedBody, Reply, SsePlan } from './llm-server.js';

/** Route the Anthropic SDK posts to (it appends this to `baseURL`). */
export const path = '/v1/messages';

const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** Error body in Anthropic's shape. */
export function errorBody(status: number, message: string): unknown {
  return { type: 'error', error: { type: errorTypes[status] ?? 'api_error', message } };
}

/** Headers every Anthropic response carries. */
export function headers(id: string): Record<string, string> {
  return { 'request-id': `req_fake_${id}` };
}

/** Body of `GET /v1/models`. */
export function modelList(models: string[]): unknown {
  const data = models.map((id) => ({
    type: 'model',
    id,
    display_name: id,
    created_at: '2025-01-01T00:00:00Z',
  }));
  return { data, has_more: false, first_id: models[0] ?? null, last_id: models.at(-1) ?? null };
}

/** Pull what the fake needs out of a Messages request, or the 400 message a real API would give. */
export function parseRequest(body: unknown): ParsedBody {
  const request = asRecord(body);
  if (typeof request.model !== 'string' || !request.model)
    return { error: 'model: Field required' };
  if (!Array.isArray(request.messages)) return { error: 'messages: Field required' };
  const messages = request.messages.map(asRecord);
  const last = messages.at(-1);
  const toolResults =
    last?.role === 'user' && Array.isArray(last.content)
      ? last.content
          .map(asRecord)
          .filter((block) => block.type === 'tool_result')
          .map((block) => textOf(block.content))
      : [];
  const userText =
    messages
      .filter((message) => message.role === 'user')
      .map((message) => textOf(message.content))
      .findLast((text) => text !== '') ?? '';
  return {
    model: request.model,
    stream: request.stream === true,
    includeUsage: false,
    ...(typeof request.max_tokens === 'number' ? { maxTokens: request.max_tokens } : {}),
    userText,
    toolResults,
  };
}

/**
 * The 400 the API answers a request too long for the model's window with: the prompt
 * alone, or the prompt plus max_tokens.
 */
export function contextOverflow(
  inputTokens: number,
  maxTokens: number | undefined,
  window: number,
): unknown {
  if (inputTokens > window) {
    return errorBody(400, `prompt is too long: ${inputTokens} tokens > ${window} maximum`);
  }
  if (maxTokens !== undefined && inputTokens + maxTokens > window) {
    return errorBody(
      400,
      `input length and \`max_tokens\` exceed context limit: ${inputTokens} + ${maxTokens} > ${window}, decrease input length or \`max_tokens\` and try again`,
    );
  }
  return undefined;
}

/** Non-streaming response body. */
export function message(reply: Reply, id: string): unknown {
  const content: unknown[] = [];
  if (reply.text) content.push({ type: 'text', text: reply.text.join('') });
  for (const call of reply.toolCalls) {
    content.push({
      type: 'tool_use',
      id: call.id,
      name: call.name,
      input: JSON.parse(call.argumentChunks.join('')) as unknown,
    });
  }
  return {
    ...messageShell(reply, id),
    content,
    stop_reason: stopReason(reply),
    usage: usage(reply, reply.outputTokens),
  };
}

/** Server-sent events of a streaming response, in the order the real API sends them. */
export function stream(reply: Reply, id: string): SsePlan {
  const frames: SsePlan['frames'] = [];
  const push = (data: Record<string, unknown>, delta = false) =>
    frames.push({ data: `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`, delta });
  const start = {
    ...messageShell(reply, id),
    content: [],
    stop_reason: null,
    usage: usage(reply, 1),
  };
  push({ type: 'message_start', message: start });
  push({ type: 'ping' });
  let index = 0;
  if (reply.text) {
    push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    for (const text of reply.text)
      push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } }, true);
    push({ type: 'content_block_stop', index });
    index++;
  }
  for (const call of reply.toolCalls) {
    const block = { type: 'tool_use', id: call.id, name: call.name, input: {} };
    push({ type: 'content_block_start', index, content_block: block });
    for (const partial_json of call.argumentChunks) {
      push(
        { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } },
        true,
      );
    }
    push({ type: 'content_block_stop', index });
    index++;
  }
  const tailStart = frames.length;
  push({
    type: 'message_delta',
    delta: { stop_reason: stopReason(reply), stop_sequence: null },
    usage: { output_tokens: reply.outputTokens },
  });
  push({ type: 'message_stop' });
  return { frames, tailStart };
}

function messageShell(reply: Reply, id: string) {
  return {
    id: `msg_fake_${id}`,
    type: 'message',
    role: 'assistant',
    model: reply.model,
    stop_sequence: null,
  };
}

function usage(reply: Reply, outputTokens: number) {
  return {
    // Anthropic's input_tokens leave out what was read from or written to the cache.
    input_tokens: reply.cache?.input ?? reply.inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: reply.cache?.cacheWrite ?? 0,
    cache_read_input_tokens: reply.cache?.cacheRead ?? 0,
  };
}

function stopReason(reply: Reply): string {
  return reply.toolCalls.length > 0 ? 'tool_use' : 'end_turn';
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map(asRecord)
    .filter((block) => block.type === 'text' && typeof block.text === 'string')
    .map((block) => block.text as string)
    .join('\n');
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
