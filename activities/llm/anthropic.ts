// Streaming call to the Anthropic Messages API with the official SDK, reading raw events so
// that text deltas, tool input and usage are assembled in one place we control.
import Anthropic from '@anthropic-ai/sdk';
import type { TextBlock, ToolCallBlock } from '../../core/messages.js';
import { toAnthropicRequest } from './convert.js';
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

/** Where the Anthropic API lives unless providers.anthropic.baseUrl says otherwise. */
export const anthropicDefaultBaseUrl = 'https://api.anthropic.com';

type Block =
  { kind: 'text'; text: string } | { kind: 'tool'; id: string; name: string; json: string };

/** Stream one reply from an Anthropic model. */
export async function streamAnthropic(options: ProviderCallOptions): Promise<LlmResponse> {
  const context: LlmCallContext = {
    provider: 'anthropic',
    model: options.model,
    baseUrl: options.settings.baseUrl,
  };
  const { apiKey } = options.settings;
  if (!apiKey) {
    throw new LlmError({
      kind: 'fatal',
      code: 'LLM_NO_API_KEY',
      message: 'No Anthropic API key: set ANTHROPIC_API_KEY or providers.anthropic.apiKey.',
      provider: 'anthropic',
      model: options.model,
    });
  }
  const client = new Anthropic({
    apiKey,
    // Explicit, so the SDK does not pick up ANTHROPIC_AUTH_TOKEN or other ambient credentials.
    authToken: null,
    baseURL: options.settings.baseUrl ?? anthropicDefaultBaseUrl,
    maxRetries: 0, // Temporal owns retrying
    timeout: options.timeoutMs ?? defaultTimeoutMs,
  });
  const body = toAnthropicRequest(options);

  // Content blocks by their stream index; thinking and server-tool blocks are not kept.
  const blocks = new Map<number, Block>();
  const usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  let stopReason: LlmStopReason = 'stop';
  let finished = false;

  await consumeStream(
    context,
    options,
    (signal) => client.messages.create({ ...body, stream: true }, { signal }),
    (event) => {
      switch (event.type) {
        case 'message_start': {
          const start = event.message.usage;
          usage.input = start.input_tokens;
          usage.output = start.output_tokens;
          usage.cacheRead = start.cache_read_input_tokens ?? 0;
          usage.cacheWrite = start.cache_creation_input_tokens ?? 0;
          break;
        }
        case 'content_block_start': {
          const block = event.content_block;
          if (block.type === 'text') {
            blocks.set(event.index, { kind: 'text', text: block.text });
            if (block.text) options.onTextDelta?.(block.text);
          } else if (block.type === 'tool_use') {
            blocks.set(event.index, { kind: 'tool', id: block.id, name: block.name, json: '' });
          }
          break;
        }
        case 'content_block_delta': {
          const block = blocks.get(event.index);
          if (event.delta.type === 'text_delta' && block?.kind === 'text') {
            block.text += event.delta.text;
            options.onTextDelta?.(event.delta.text);
          } else if (event.delta.type === 'input_json_delta' && block?.kind === 'tool') {
            block.json += event.delta.partial_json;
          }
          break;
        }
        case 'message_delta': {
          // Usage here is cumulative; input counts are present only when they changed.
          usage.output = event.usage.output_tokens;
          usage.input = event.usage.input_tokens ?? usage.input;
          usage.cacheRead = event.usage.cache_read_input_tokens ?? usage.cacheRead;
          usage.cacheWrite = event.usage.cache_creation_input_tokens ?? usage.cacheWrite;
          stopReason = toStopReason(event.delta.stop_reason);
          break;
        }
        case 'message_stop':
          finished = true;
          break;
        case 'content_block_stop':
          break;
      }
    },
  );
  if (!finished) throw incompleteStream(context);

  const content: (TextBlock | ToolCallBlock)[] = [...blocks.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([, block]): (TextBlock | ToolCallBlock)[] => {
      if (block.kind === 'text') return block.text ? [{ type: 'text', text: block.text }] : [];
      const args = parseToolArguments(block.json);
      return [{ type: 'toolCall', id: block.id, name: block.name, arguments: args }];
    });
  return {
    content,
    stopReason: reconcileStopReason(stopReason, content),
    usage: withTotal(usage),
    model: options.model,
    provider: 'anthropic',
    api: 'anthropic-messages',
  };
}

function toStopReason(reason: Anthropic.StopReason | null): LlmStopReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'toolUse';
    // pause_turn (a server tool paused) and refusal end the reply as it stands.
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
    case 'refusal':
    case null:
    default:
      return 'stop';
  }
}
