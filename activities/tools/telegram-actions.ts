import { z } from 'zod';
import { accountIdField, defineChannelActionsTool } from './channel-actions.js';

/** telegram_actions: Bot API operations beyond sending, through the account's grammy bot. */
export const telegramActionsTool = defineChannelActionsTool({
  channel: 'telegram',
  description:
    'Telegram operations through the bot: edit or delete a message, react with an emoji, pin or ' +
    'unpin a message, send a sticker, create a poll. Chat and message ids are Telegram’s own ' +
    '(as in the conversation). Each action can be turned off by the owner.',
  inputSchema: z.object({
    action: z
      .enum(['edit', 'delete', 'react', 'pin', 'unpin', 'sendSticker', 'createPoll'])
      .describe('What to do'),
    accountId: accountIdField,
    chatId: z.string().min(1).describe('The chat id (negative for groups, e.g. -1001234)'),
    messageId: z
      .string()
      .min(1)
      .optional()
      .describe('The message to edit, delete, react to, pin or unpin'),
    text: z.string().min(1).optional().describe('edit: the new text (plain)'),
    emoji: z.string().min(1).optional().describe('react: one emoji Telegram allows, e.g. 👍'),
    remove: z.boolean().optional().describe('react: take the bot’s reactions away instead'),
    sticker: z.string().min(1).optional().describe('sendSticker: the sticker’s file_id or URL'),
    question: z.string().min(1).max(300).optional().describe('createPoll: the question'),
    options: z
      .array(z.string().min(1).max(100))
      .min(2)
      .max(10)
      .optional()
      .describe('createPoll: 2 to 10 answer options'),
    multiple: z.boolean().optional().describe('createPoll: allow several answers'),
    threadId: z.string().min(1).optional().describe('sendSticker / createPoll: forum topic id'),
  }),
  actions: {
    edit: { group: 'messages', requires: ['messageId', 'text'] },
    delete: { group: 'messages', requires: ['messageId'] },
    react: { group: 'reactions', requires: ['messageId'] },
    pin: { group: 'pins', requires: ['messageId'] },
    unpin: { group: 'pins', requires: ['messageId'] },
    sendSticker: { group: 'stickers', requires: ['sticker'] },
    createPoll: { group: 'polls', requires: ['question', 'options'] },
  },
});
