import { z } from 'zod';
import { accountIdField, defineChannelActionsTool } from './channel-actions.js';

const snowflake = (what: string) =>
  z
    .string()
    .regex(/^\d{5,20}$/, 'a Discord id (digits)')
    .optional()
    .describe(what);

/** discord_actions: Discord operations beyond sending, through the account's discord.js client. */
export const discordActionsTool = defineChannelActionsTool({
  channel: 'discord',
  description:
    'Discord operations through the bot: react and list reactions, pin/unpin/list pins, create, ' +
    'list and reply in threads, polls, search a channel’s recent messages, member and role info, ' +
    'and moderation (timeout, kick, ban, add/remove a role) when the owner allows it. Ids are ' +
    'Discord’s own numeric ids.',
  inputSchema: z.object({
    action: z
      .enum([
        'react',
        'reactions',
        'pin',
        'unpin',
        'listPins',
        'threadCreate',
        'threadList',
        'threadReply',
        'poll',
        'search',
        'memberInfo',
        'roleInfo',
        'timeout',
        'kick',
        'ban',
        'roleAdd',
        'roleRemove',
      ])
      .describe('What to do'),
    accountId: accountIdField,
    channelId: snowflake('The channel (or, for threadReply, the thread)'),
    messageId: snowflake('The message (react, reactions, pin, unpin; threadCreate: start from it)'),
    guildId: snowflake('The server (threadList, memberInfo, roleInfo, moderation)'),
    userId: snowflake('The member (memberInfo, moderation)'),
    roleId: snowflake('The role (roleAdd, roleRemove)'),
    emoji: z
      .string()
      .min(1)
      .optional()
      .describe('react: a unicode emoji or a custom one as name:id'),
    text: z.string().min(1).max(2000).optional().describe('threadReply: the message'),
    name: z.string().min(1).max(100).optional().describe('threadCreate: the thread’s name'),
    query: z.string().min(1).optional().describe('search: words to look for'),
    question: z.string().min(1).max(300).optional().describe('poll: the question'),
    answers: z
      .array(z.string().min(1).max(55))
      .min(1)
      .max(10)
      .optional()
      .describe('poll: 1 to 10 answers'),
    durationHours: z
      .number()
      .int()
      .min(1)
      .max(768)
      .optional()
      .describe('poll: how long it runs (default 24)'),
    multiple: z.boolean().optional().describe('poll: allow several answers'),
    minutes: z
      .number()
      .int()
      .min(1)
      .max(40_320)
      .optional()
      .describe('timeout: how long (default 10)'),
    deleteMessageDays: z
      .number()
      .min(0)
      .max(7)
      .optional()
      .describe('ban: delete their messages of this many days'),
    reason: z.string().max(512).optional().describe('Audit log reason (pins, moderation)'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('search: most results (default 20)'),
  }),
  actions: {
    react: { group: 'reactions', requires: ['channelId', 'messageId', 'emoji'] },
    reactions: { group: 'reactions', requires: ['channelId', 'messageId'] },
    pin: { group: 'pins', requires: ['channelId', 'messageId'] },
    unpin: { group: 'pins', requires: ['channelId', 'messageId'] },
    listPins: { group: 'pins', requires: ['channelId'] },
    threadCreate: { group: 'threads', requires: ['channelId', 'name'] },
    threadList: { group: 'threads', requires: ['guildId'] },
    threadReply: { group: 'threads', requires: ['channelId', 'text'] },
    poll: { group: 'polls', requires: ['channelId', 'question', 'answers'] },
    search: { group: 'search', requires: ['channelId', 'query'] },
    memberInfo: { group: 'memberInfo', requires: ['guildId', 'userId'] },
    roleInfo: { group: 'roleInfo', requires: ['guildId'] },
    timeout: { group: 'moderation', defaultOn: false, requires: ['guildId', 'userId'] },
    kick: { group: 'moderation', defaultOn: false, requires: ['guildId', 'userId'] },
    ban: { group: 'moderation', defaultOn: false, requires: ['guildId', 'userId'] },
    roleAdd: { group: 'moderation', defaultOn: false, requires: ['guildId', 'userId', 'roleId'] },
    roleRemove: {
      group: 'moderation',
      defaultOn: false,
      requires: ['guildId', 'userId', 'roleId'],
    },
  },
});
