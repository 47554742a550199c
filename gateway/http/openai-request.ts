/**
 * The request side of POST /v1/chat/completions: its schema, and how an OpenAI message
 * list becomes one inbound message of a ClawdBot session.
 */
import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import type { InboundMessage } from '../../core/agent/agent-service.js';

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.string().optional() }),
});
const content = z.union([
  z.string(),
  z.array(z.discriminatedUnion('type', [textPart, imagePart])),
  z.null(),
]);
const chatMessage = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: content.optional(),
});
/** One message of a chat completion request. */
export type ChatMessage = z.infer<typeof chatMessage>;

/**
 * The fields ClawdBot reads; the rest (temperature, client-side `tools`, ...) are accepted
 * and ignored, because the agent brings its own model settings and tools.
 */
export const chatCompletionRequest = z.looseObject({
  model: z.string().min(1).describe('`clawdbot`, `clawdbot:<agentId>` or a configured model ref'),
  messages: z.array(chatMessage).min(1).describe('system messages and the user message to answer'),
  stream: z.boolean().nullish().describe('stream chat.completion.chunk events over SSE'),
  stream_options: z
    .looseObject({ include_usage: z.boolean().nullish() })
    .nullish()
    .describe('include_usage adds a final chunk with token usage'),
  user: z
    .string()
    .min(1)
    .max(128)
    .nullish()
    .describe('selects the session agent:<id>:openai:<user>'),
});
/** A parsed chat completion request. */
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function textOf(message: ChatMessage): string {
  const value = message.content;
  if (typeof value === 'string') return value;
  if (!value) return '';
  return value.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
}

function imagesOf(message: ChatMessage): NonNullable<InboundMessage['attachments']> {
  if (!Array.isArray(message.content)) return [];
  return message.content.flatMap((part) => {
    if (part.type !== 'image_url') return [];
    const match = DATA_URL.exec(part.image_url.url);
    // Fetching remote URLs would let any caller make the gateway request arbitrary hosts.
    if (!match?.[1]?.startsWith('image/') || match[2] === undefined) {
      throw new ClawdbotError(
        'INVALID_REQUEST',
        'image_url must be a base64 data: URL of an image; the gateway does not fetch remote URLs',
      );
    }
    return [{ type: 'image' as const, mimeType: match[1], data: match[2] }];
  });
}

/** What a request asks of its session, before the session's own history is known. */
export interface ChatPrompt {
  /** The last user message's text parts, joined. */
  text: string;
  attachments: NonNullable<InboundMessage['attachments']>;
  /** System and developer messages, joined. */
  extraSystemPrompt: string | undefined;
  /** Conversation before the last user message, as `role: text` lines (empty if none). */
  earlier: string[];
}

/** Split the message list; throws INVALID_REQUEST when there is nothing to answer. */
export function chatPrompt(messages: ChatMessage[]): ChatPrompt {
  const lastUser = messages.findLastIndex((message) => message.role === 'user');
  const last = messages[lastUser];
  if (last === undefined) {
    throw new ClawdbotError('INVALID_REQUEST', 'messages must contain a user message');
  }
  const text = textOf(last);
  const attachments = imagesOf(last);
  if (text.trim() === '' && attachments.length === 0) {
    throw new ClawdbotError('INVALID_REQUEST', 'the last user message is empty');
  }
  const system = messages
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map(textOf)
    .filter((part) => part.trim() !== '');
  const earlier = messages.slice(0, lastUser).flatMap((message) => {
    if (message.role === 'system' || message.role === 'developer') return [];
    const line = textOf(message);
    return line.trim() === '' ? [] : [`${message.role}: ${line}`];
  });
  return {
    text,
    attachments,
    extraSystemPrompt: system.length > 0 ? system.join('\n\n') : undefined,
    earlier,
  };
}

/**
 * The text the session receives. A session that already has history is the conversation,
 * so the request's earlier messages are dropped; a new session gets them in front of the
 * message, marked as context, so stateless OpenAI clients keep their conversation.
 */
export function messageText(prompt: ChatPrompt, sessionHasHistory: boolean): string {
  if (sessionHasHistory || prompt.earlier.length === 0) return prompt.text;
  return [
    '[Earlier messages of this conversation, for context]',
    ...prompt.earlier,
    '',
    '[Current message]',
    prompt.text,
  ].join('\n');
}
