/**
 * The Telegram channel (grammy): direct chats, groups and supergroups (forum topics as
 * threads), channel posts; HTML formatting, media, typing and draft edits. Set-up for
 * users is in README.md beside this file.
 */
import { markdownToTelegramHtml } from '../shared/markdown-telegram.js';
import type { ChannelPlugin } from '../types.js';
import { hasToken, telegramAccountSchema, type TelegramAccount } from './config.js';

export type { TelegramAccount };

/** The Telegram channel plugin. */
export const telegramChannel: ChannelPlugin<TelegramAccount> = {
  id: 'telegram',
  label: 'Telegram',
  capabilities: {
    chatTypes: ['direct', 'group', 'channel'],
    threads: true,
    media: true,
    reactions: false,
    edit: true,
    typing: true,
    reply: true,
  },
  // OpenClaw's limit, below Telegram's 4096 so HTML that grows on escaping still fits.
  textChunkLimit: 4000,
  formatText: markdownToTelegramHtml,
  idLabel: 'telegramUserId',
  configSchema: telegramAccountSchema,
  isConfigured: (account) => hasToken(account, process.env),
  // The platform SDK loads with the first account that starts, not with every process.
  start: async (context) =>
    (await import('./account.js')).startTelegramAccount(context, process.env),
};
