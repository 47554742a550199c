// Our transcript messages → the two providers' request bodies. Both APIs reject a conversation
// whose tool calls and tool results do not pair up, so the history is repaired first.
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import type {
  ImageBlock,
  Message,
  TextBlock,
  ToolCallBlock,
  ToolResultMessage,
  UserMessage,
} from '../../core/messages.js';

/** A JSON Schema object describing a tool's input (type "object" at the top). */
export type JsonSchema = Record<string, unknown>;

/** A tool as the model sees it. */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: JsonSchema;
}

/** What every provider call sends besides the model settings. */
export interface Conversation {
  system: string;
  messages: Message[];
  tools: ToolSpec[];
  /**
   * How many leading messages change only at a compaction (its summary): with the system
   * prompt and tools they are the stable prefix that Anthropic requests mark for caching.
   */
  stableMessages?: number;
}

/** Provider-independent request: a conversation plus the model and the output cap. */
export interface RequestInput extends Conversation {
  model: string;
  maxTokens: number;
}

/**
 * Make tool calls and results pair up, the rule both APIs enforce:
 * - the tool results answering an assistant message's calls are moved right behind it (a user
 *   message that arrived while tools ran, e.g. a steer, follows them);
 * - a tool call without a result before the next assistant message is dropped (the turn was
 *   interrupted; the model may call again), and an assistant message left empty is dropped;
 * - a tool result whose call is not in the preceding assistant message is dropped, as is a
 *   second result for the same call;
 * - empty text blocks are dropped (Anthropic rejects them), and so are messages left empty.
 */
export function repairToolPairing(messages: Message[]): Message[] {
  // Each assistant message opens a segment holding everything up to the next one. A message
  // that needs no repair is passed on as the same object (most of a history, on every call),
  // so what is derived from it per object (its JSON length, its provider form) is reused.
  const repaired: Message[] = [];
  let start = 0;
  while (start < messages.length) {
    const head = messages[start]!;
    const assistant = head.role === 'assistant' ? head : undefined;
    let end = assistant ? start + 1 : start;
    while (end < messages.length && messages[end]!.role !== 'assistant') end++;
    if (assistant) {
      let callIds: Set<string> | undefined;
      for (const block of assistant.content)
        if (block.type === 'toolCall') (callIds ??= new Set()).add(block.id);
      let results: Map<string, ToolResultMessage> | undefined;
      if (callIds)
        for (let index = start + 1; index < end; index++) {
          const item = messages[index]!;
          if (item.role !== 'toolResult' || !callIds.has(item.toolCallId)) continue;
          if (!results?.has(item.toolCallId)) (results ??= new Map()).set(item.toolCallId, item);
        }
      const content = kept(assistant.content, (block) =>
        block.type === 'text' ? block.text !== '' : (results?.has(block.id) ?? false),
      );
      if (content.length > 0) {
        repaired.push(content === assistant.content ? assistant : { ...assistant, content });
        if (results) repaired.push(...results.values());
      }
    }
    for (let index = assistant ? start + 1 : start; index < end; index++) {
      const item = messages[index]!;
      if (item.role !== 'user') continue;
      const content = kept(item.content, (block) => block.type !== 'text' || block.text !== '');
      if (content.length > 0) repaired.push(content === item.content ? item : { ...item, content });
    }
    start = end;
  }
  return repaired;
}

/** The blocks that pass `keep`: the same array when all of them do. */
function kept<Block>(blocks: Block[], keep: (block: Block) => boolean): Block[] {
  return blocks.every(keep) ? blocks : blocks.filter(keep);
}

/** A prompt-cache breakpoint: everything up to and including the marked block is cached. */
const ephemeral = { type: 'ephemeral' as const };

/**
 * The Messages API body for a conversation (the caller adds `stream`). It carries up to
 * four cache breakpoints, the API's maximum: after the tools, after the system prompt,
 * after the stable messages (a compaction's summary) and on the newest message, so the
 * next call of the session reads all of this request from the cache.
 */
export function toAnthropicRequest(input: RequestInput): Anthropic.MessageCreateParamsNonStreaming {
  const messages: { role: 'user' | 'assistant'; content: Anthropic.ContentBlockParam[] }[] = [];
  const repaired = repairToolPairing(input.messages);
  let stableEnd: Anthropic.ContentBlockParam | undefined;
  // Repair keeps the leading summary (a non-empty user message) first, so indexes hold.
  for (const [index, message] of repaired.entries()) {
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const content = toAnthropicBlocks(message);
    if (index < (input.stableMessages ?? 0)) stableEnd = content.at(-1);
    const last = messages.at(-1);
    // The API wants all results of one assistant turn in a single user message. Merging every
    // run of user turns does that and keeps tool_result blocks first, as they must be, since
    // repairToolPairing puts results straight behind their assistant message.
    if (last?.role === role && role === 'user') last.content.push(...content);
    else messages.push({ role, content });
  }
  const newest = messages.at(-1)?.content.at(-1);
  for (const block of [stableEnd, newest]) {
    if (block && block.type !== 'thinking' && block.type !== 'redacted_thinking') {
      block.cache_control = ephemeral;
    }
  }
  const tools = input.tools.map((tool, index): Anthropic.Tool => ({
    name: tool.name,
    description: tool.description,
    input_schema: { ...tool.inputSchema, type: 'object' as const },
    ...(index === input.tools.length - 1 ? { cache_control: ephemeral } : {}),
  }));
  return {
    model: input.model,
    max_tokens: input.maxTokens,
    messages,
    ...(input.system
      ? { system: [{ type: 'text' as const, text: input.system, cache_control: ephemeral }] }
      : {}),
    ...(tools.length > 0 ? { tools } : {}),
  };
}

function toAnthropicBlocks(message: Message): Anthropic.ContentBlockParam[] {
  switch (message.role) {
    case 'user':
      return message.content.map((block) =>
        block.type === 'text' ? { type: 'text', text: block.text } : toAnthropicImage(block),
      );
    case 'assistant':
      return message.content.map((block) =>
        block.type === 'text'
          ? { type: 'text', text: block.text }
          : {
              type: 'tool_use',
              id: anthropicToolId(block.id),
              name: block.name,
              input: block.arguments,
            },
      );
    case 'toolResult': {
      const images = resultImages(message);
      return [
        {
          type: 'tool_result',
          tool_use_id: anthropicToolId(message.toolCallId),
          // tool_result takes text and image blocks; a plain string when there are no images
          // keeps the bytes of earlier requests (and so their prompt-cache hits) unchanged.
          content:
            images.length === 0
              ? resultText(message)
              : [
                  { type: 'text' as const, text: resultText(message) },
                  ...images.map((image) => toAnthropicImage(image) as Anthropic.ImageBlockParam),
                ],
          ...(message.isError ? { is_error: true } : {}),
        },
      ];
    }
  }
}

const anthropicImageTypes = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;

function toAnthropicImage(block: ImageBlock): Anthropic.ContentBlockParam {
  const mediaType = anthropicImageTypes.find((type) => type === block.mimeType);
  if (!mediaType) return { type: 'text', text: `[image of type ${block.mimeType} not supported]` };
  return { type: 'image', source: { type: 'base64', media_type: mediaType, data: block.data } };
}

/**
 * Anthropic accepts tool ids matching ^[a-zA-Z0-9_-]+$ only; ids made by an OpenAI-compatible
 * server (after a fallback) may contain other characters, so they are rewritten the same way
 * in tool_use and tool_result.
 */
function anthropicToolId(id: string): string {
  return id.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'tool_call';
}

/** Which field caps the output: OpenAI's own API wants the newer one, most compatible servers the older. */
export type MaxTokensField = 'max_completion_tokens' | 'max_tokens';

/** The Chat Completions body for a conversation (the caller adds `stream` and its options). */
export function toOpenAiRequest(
  input: RequestInput,
  maxTokensField: MaxTokensField,
): OpenAI.ChatCompletionCreateParamsNonStreaming {
  const messages: OpenAI.ChatCompletionMessageParam[] = [];
  if (input.system) messages.push({ role: 'system', content: input.system });
  // A tool message carries text only, so the images of a run of tool results follow it as one
  // user message (the API wants the tool messages straight after their assistant message).
  let pendingImages: { toolName: string; image: ImageBlock }[] = [];
  const flushImages = () => {
    if (pendingImages.length === 0) return;
    const names = [...new Set(pendingImages.map(({ toolName }) => toolName))].join(', ');
    messages.push({
      role: 'user',
      content: [
        {
          type: 'text',
          text: `[Image${pendingImages.length > 1 ? 's' : ''} returned by ${names}]`,
        },
        ...pendingImages.map(({ image }) => toOpenAiImage(image)),
      ],
    });
    pendingImages = [];
  };
  for (const message of repairToolPairing(input.messages)) {
    if (message.role !== 'toolResult') flushImages();
    messages.push(toOpenAiMessage(message));
    if (message.role === 'toolResult') {
      for (const image of resultImages(message)) {
        pendingImages.push({ toolName: message.toolName, image });
      }
    }
  }
  flushImages();
  return {
    model: input.model,
    messages,
    [maxTokensField]: input.maxTokens,
    ...(input.tools.length > 0 ? { tools: input.tools.map(toOpenAiTool) } : {}),
  };
}

/** The OpenAI form of each tool spec, per spec object (the same specs on every call). */
const openAiTools = new WeakMap<ToolSpec, OpenAI.ChatCompletionFunctionTool>();

function toOpenAiTool(tool: ToolSpec): OpenAI.ChatCompletionFunctionTool {
  const known = openAiTools.get(tool);
  if (known) return known;
  const form = Object.freeze({
    type: 'function' as const,
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  });
  openAiTools.set(tool, form);
  return form;
}

/** The JSON of each frozen provider form (history messages, tools), written once. */
const formJson = new WeakMap<object, string>();

function itemJson(item: unknown): string {
  if (typeof item !== 'object' || item === null || !Object.isFrozen(item))
    return JSON.stringify(item) ?? 'null';
  let json = formJson.get(item);
  if (json === undefined) {
    json = JSON.stringify(item);
    formJson.set(item, json);
  }
  return json;
}

/**
 * A request body's JSON, the same value JSON.stringify gives, but with each frozen array
 * item (a history message or tool in its provider form) stringified once per object rather
 * than on every call: in a long session, encoding the whole history again was the largest
 * cost of a call before its first byte.
 */
export function requestJson(body: object): string {
  const fields: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const json = Array.isArray(value)
      ? `[${value.map(itemJson).join(',')}]`
      : (JSON.stringify(value) as string | undefined);
    if (json !== undefined) fields.push(`${JSON.stringify(key)}:${json}`);
  }
  return `{${fields.join(',')}}`;
}

/**
 * The OpenAI form of each history message, per message object: a session's history is the
 * same transcript objects call after call (never mutated), and converting all of it again
 * on every call was most of this file's cost in a long session. Frozen: a request must not
 * change what the next one sends.
 */
const openAiForms = new WeakMap<Message, OpenAI.ChatCompletionMessageParam>();

function toOpenAiMessage(message: Message): OpenAI.ChatCompletionMessageParam {
  const known = openAiForms.get(message);
  if (known) return known;
  const form = Object.freeze(convertToOpenAi(message));
  openAiForms.set(message, form);
  return form;
}

function convertToOpenAi(message: Message): OpenAI.ChatCompletionMessageParam {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: toOpenAiUserContent(message) };
    case 'assistant': {
      const text = texts(message.content).join('');
      const toolCalls = message.content.flatMap((block) =>
        block.type === 'toolCall'
          ? [
              {
                id: block.id,
                type: 'function' as const,
                function: { name: block.name, arguments: JSON.stringify(block.arguments) },
              },
            ]
          : [],
      );
      return {
        role: 'assistant',
        content: text || null,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      };
    }
    case 'toolResult':
      return { role: 'tool', tool_call_id: message.toolCallId, content: resultText(message) };
  }
}

/** Plain text goes as a string: some OpenAI-compatible servers accept no content arrays. */
function toOpenAiUserContent(message: UserMessage): string | OpenAI.ChatCompletionContentPart[] {
  if (message.content.every((block) => block.type === 'text'))
    return texts(message.content).join('\n');
  return message.content.map((block) =>
    block.type === 'text' ? { type: 'text', text: block.text } : toOpenAiImage(block),
  );
}

function toOpenAiImage(block: ImageBlock): OpenAI.ChatCompletionContentPartImage {
  return { type: 'image_url', image_url: { url: `data:${block.mimeType};base64,${block.data}` } };
}

function resultImages(message: ToolResultMessage): ImageBlock[] {
  return message.images ?? [];
}

function texts(content: readonly (TextBlock | ImageBlock | ToolCallBlock)[]): string[] {
  return content.flatMap((block) => (block.type === 'text' ? [block.text] : []));
}

/** Both APIs handle an empty result badly (Anthropic can reject it), so say so in words. */
function resultText(message: ToolResultMessage): string {
  return texts(message.content).join('\n') || '(no output)';
}
