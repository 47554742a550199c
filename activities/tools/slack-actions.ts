import { z } from 'zod';
import { accountIdField, defineChannelActionsTool } from './channel-actions.js';

/** slack_actions: Slack Web API operations beyond sending, through the account's client. */
export const slackActionsTool = defineChannelActionsTool({
  channel: 'slack',
  description:
    'Slack operations through the bot: react to a message, pin/unpin/list pins, a member’s ' +
    'profile, the workspace’s custom emoji, edit or delete the bot’s message, read a ' +
    'channel’s recent messages. A message id is its ts (e.g. 1712345678.000100).',
  inputSchema: z.object({
    action: z
      .enum([
        'react',
        'pin',
        'unpin',
        'listPins',
        'memberInfo',
        'emojiList',
        'edit',
        'delete',
        'read',
      ])
      .describe('What to do'),
    accountId: accountIdField,
    channelId: z.string().min(1).optional().describe('The channel id (C…, G… or D…)'),
    messageId: z.string().min(1).optional().describe('The message’s ts'),
    userId: z.string().min(1).optional().describe('memberInfo: the user id (U…)'),
    emoji: z.string().min(1).optional().describe('react: the emoji name, e.g. "thumbsup"'),
    remove: z.boolean().optional().describe('react: take the reaction away instead'),
    text: z.string().min(1).optional().describe('edit: the new text'),
    limit: z.number().int().min(1).max(200).optional().describe('read: how many (default 20)'),
  }),
  actions: {
    react: { group: 'reactions', requires: ['channelId', 'messageId', 'emoji'] },
    pin: { group: 'pins', requires: ['channelId', 'messageId'] },
    unpin: { group: 'pins', requires: ['channelId', 'messageId'] },
    listPins: { group: 'pins', requires: ['channelId'] },
    memberInfo: { group: 'memberInfo', requires: ['userId'] },
    emojiList: { group: 'emojiList', requires: [] },
    edit: { group: 'messages', requires: ['channelId', 'messageId', 'text'] },
    delete: { group: 'messages', requires: ['channelId', 'messageId'] },
    read: { group: 'messages', requires: ['channelId'] },
  },
});
