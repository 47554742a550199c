import { z } from 'zod';
import type { Config } from '../../core/config/schema.js';
import { ToolError, defineTool } from './tool.js';

/** The message tool's input. */
export const messageInputSchema = z.object({
  action: z
    .enum(['send', 'reply', 'react', 'edit', 'delete', 'read'])
    .default('send')
    .describe(
      'send a message; reply to one (replyTo, default: the message you are answering); react ' +
        'with an emoji; edit or delete a message the bot sent; read the chat’s recent messages',
    ),
  channel: z
    .string()
    .min(1)
    .optional()
    .describe('telegram, discord, slack, ... (default: the channel of this conversation)'),
  target: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The chat, user or thread id in the channel’s own form (Telegram chat id, Discord or ' +
        'Slack channel id), or a session key (agent:…); default: this conversation’s chat',
    ),
  accountId: z.string().min(1).optional().describe('Which bot account of the channel'),
  text: z
    .string()
    .min(1)
    .optional()
    .describe('send / reply: the text (Markdown); edit: the new text'),
  media: z
    .array(z.string().min(1))
    .max(10)
    .optional()
    .describe('send / reply: files to attach (workspace paths or http(s) URLs)'),
  replyTo: z.string().min(1).optional().describe('reply: the message id to answer'),
  threadId: z.string().min(1).optional().describe('A thread or forum topic inside the chat'),
  emoji: z.string().min(1).optional().describe('react: the emoji (Slack: its name, e.g. thumbsup)'),
  remove: z.boolean().optional().describe('react: take the bot’s reaction away instead'),
  messageId: z.string().min(1).optional().describe('react / edit / delete: the message id'),
  limit: z.number().int().min(1).max(100).optional().describe('read: how many (default 20)'),
});

/** The message tool's validated input. */
export type MessageArgs = z.output<typeof messageInputSchema>;

/** Messaging channels configured (the WebChat of the gateway's own page is not one). */
export function messagingChannels(config: Config): string[] {
  return Object.entries(config.channels)
    .filter(([, section]) => section.enabled !== false)
    .map(([id]) => id);
}

/**
 * message: one tool for every configured channel. The turn workflow runs it (a send is the
 * same durable `channel.deliver` activity as a reply, keyed by the tool call); this
 * definition is its schema and description.
 */
export const messageTool = defineTool({
  name: 'message',
  runsIn: 'workflow',
  description:
    'Send, reply, react, edit, delete or read messages on a messaging channel (Telegram, ' +
    'Discord, Slack, ...). Without channel and target it works in the chat of this ' +
    'conversation; other chats may need the owner’s permission. Your normal answer is ' +
    'delivered anyway: use this for extra messages, reactions and other chats.',
  inputSchema: messageInputSchema,
  policy: { startToCloseTimeoutMs: 30_000, maximumAttempts: 3, idempotent: true },
  available: (config) => messagingChannels(config).length > 0,
  execute() {
    // The turn workflow plans and delivers it itself; this activity path is never scheduled.
    return Promise.reject(new ToolError('UNAVAILABLE', 'message runs inside the turn workflow.'));
  },
});
