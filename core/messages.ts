/**
 * Conversation messages as stored in transcripts and sent to clients. The shapes follow
 * the OpenClaw transcript format so its clients render our history unchanged.
 */

/** Plain text. */
export interface TextBlock {
  type: 'text';
  text: string;
}

/** An image (base64 data): attached by the user, or returned by a tool (a screenshot). */
export interface ImageBlock {
  type: 'image';
  mimeType: string;
  data: string;
}

/** A tool call requested by the model. */
export interface ToolCallBlock {
  type: 'toolCall';
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** Token accounting for one LLM call. */
export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  totalTokens: number;
}

/** Why the model stopped. */
export type StopReason = 'stop' | 'toolUse' | 'length' | 'error' | 'aborted';

/** A message from the user. */
export interface UserMessage {
  role: 'user';
  content: (TextBlock | ImageBlock)[];
  timestamp: number;
}

/** A message produced by the model. */
export interface AssistantMessage {
  role: 'assistant';
  content: (TextBlock | ToolCallBlock)[];
  api: 'anthropic-messages' | 'openai-completions';
  provider: string;
  model: string;
  usage: Usage;
  stopReason: StopReason;
  errorMessage?: string;
  timestamp: number;
}

/** The result of one tool call, fed back to the model. */
export interface ToolResultMessage {
  role: 'toolResult';
  toolCallId: string;
  toolName: string;
  content: TextBlock[];
  /**
   * Images the model sees with the text (a browser screenshot). A field of their own, not
   * content blocks, so readers of `content` keep reading text only.
   */
  images?: ImageBlock[];
  details?: unknown;
  isError: boolean;
  timestamp: number;
}

/** Any message of a conversation. */
export type Message = UserMessage | AssistantMessage | ToolResultMessage;

/** The text of a message's text blocks, joined. */
export function messageText(message: Message): string {
  return message.content
    .filter((block): block is TextBlock => block.type === 'text')
    .map((block) => block.text)
    .join('');
}

/** An empty usage record. */
export function zeroUsage(): Usage {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0 };
}
