// Streaming call to an OpenAI Chat Completions API (OpenAI itself or a compatible server:
// OpenRouter, vLLM, Ollama) with the official SDK; tool calls are reassembled by index.
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import type { Stream } from 'openai/streaming';
import type { TextBlock, ToolCallBlock } from '../../core/messages.js';
import { requestJson, toOpenAiRequest } from './convert.js';
import type { MaxTokensField } from './convert.js';
import { LlmError } from './errors.js';
import type { LlmCallContext } from './errors.js';
import {
  consumeStream,
  defaultTimeoutMs,
  incompleteStream,
  parseToolArguments,
  reconcileStopReason,
  withTotal,
} from './stream.js';
import type { LlmResponse, LlmStopReason, ProviderCallOptions } from './stream.js';

/** Where the OpenAI API lives unless providers.openai.baseUrl says otherwise. */
export const openAiDefaultBaseUrl = 'https://api.openai.com/v1';

/** Stream one reply from an OpenAI(-compatible) model. */
export async function streamOpenAi(options: ProviderCallOptions): Promise<LlmResponse> {
  const { baseUrl } = options.settings;
  const context: LlmCallContext = { provider: 'openai', model: options.model, baseUrl };
  const isOpenAi = !baseUrl || new URL(baseUrl).hostname === 'api.openai.com';
  if (!options.settings.apiKey && isOpenAi) {
    throw new LlmError({
      kind: 'fatal',
      code: 'LLM_NO_API_KEY',
      message: 'No OpenAI API key: set OPENAI_API_KEY or providers.openai.apiKey.',
      provider: 'openai',
      model: options.model,
    });
  }
  const client = new OpenAI({
    // Local servers (Ollama, vLLM) want no key, but the SDK insists on one.
    apiKey: options.settings.apiKey ?? 'no-key',
    baseURL: baseUrl ?? openAiDefaultBaseUrl,
    // Explicit, so the SDK does not pick up OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment.
    organization: null,
    project: null,
    maxRetries: 0, // Temporal owns retrying
    timeout: options.timeoutMs ?? defaultTimeoutMs,
  });
  // OpenAI's reasoning models reject max_tokens; many compatible servers know only max_tokens.
  const maxTokensField: MaxTokensField = isOpenAi ? 'max_completion_tokens' : 'max_tokens';
  const body = toOpenAiRequest(options, maxTokensField);
  // Bytes, so neither the SDK nor fetch encodes the whole conversation again (requestJson
  // reuses each history message's JSON); the SDK passes a typed-array body through as is.
  const bytes = Buffer.from(
    requestJson({ ...body, stream: true, stream_options: { include_usage: true } }),
  );

  let text = '';
  const calls = new Map<number, { id: string; name: string; json: string }>();
  const usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  let stopReason: LlmStopReason | undefined;

  await consumeStream(
    context,
    options,
    (signal) =>
      // The chat.completions.create call, with the body already encoded.
      client.post<Stream<OpenAI.ChatCompletionChunk>>('/chat/completions', {
        body: bytes,
        headers: { 'content-type': 'application/json' },
        stream: true,
        signal,
      }),
    (chunk) => {
      if (chunk.usage) {
        const cached = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
        usage.input = chunk.usage.prompt_tokens - cached;
        usage.cacheRead = cached;
        usage.output = chunk.usage.completion_tokens;
      }
      const choice = chunk.choices[0];
      if (!choice) return; // the usage chunk has no choices
      // A refusal is the reply the user should see, so it streams like text.
      const delta = choice.delta.content || choice.delta.refusal;
      if (delta) {
        text += delta;
        options.onTextDelta?.(delta);
      }
      for (const piece of choice.delta.tool_calls ?? []) {
        const call = calls.get(piece.index) ?? { id: '', name: '', json: '' };
        calls.set(piece.index, call);
        // The first chunk of a call carries id and name; some servers repeat them later.
        call.id ||= piece.id ?? '';
        call.name ||= piece.function?.name ?? '';
        call.json += piece.function?.arguments ?? '';
      }
      if (choice.finish_reason) stopReason = toStopReason(choice.finish_reason);
    },
  );
  if (stopReason === undefined) throw incompleteStream(context);

  const content: (TextBlock | ToolCallBlock)[] = text ? [{ type: 'text', text }] : [];
  for (const [, call] of [...calls.entries()].sort(([a], [b]) => a - b)) {
    content.push({
      type: 'toolCall',
      // Some compatible servers send no ids; the transcript needs one to pair the result.
      id: call.id || `call_${randomUUID().replaceAll('-', '')}`,
      name: call.name,
      arguments: parseToolArguments(call.json),
    });
  }
  return {
    content,
    stopReason: reconcileStopReason(stopReason, content),
    usage: withTotal(usage),
    model: options.model,
    provider: 'openai',
    api: 'openai-completions',
  };
}

function toStopReason(
  reason: OpenAI.ChatCompletionChunk.Choice['finish_reason'] & string,
): LlmStopReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'toolUse';
    // content_filter ends the reply with whatever was produced.
    case 'stop':
    case 'content_filter':
    default:
      return 'stop';
  }
}
