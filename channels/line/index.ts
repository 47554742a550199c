/**
 * The LINE channel (@line/bot-sdk): 1:1 chats, groups and rooms through the Messaging API
 * webhook, replies by reply token or push (with a retry key), stickers and images in.
 * Set-up for users is in README.md beside this file.
 */
import { markdownToPlainText } from '../shared/markdown-plain.js';
import type { ChannelPlugin } from '../types.js';
import { hasCredentials, LINE_TEXT_LIMIT, lineAccountSchema, type LineAccount } from './config.js';

export type { LineAccount };

/** The LINE channel plugin. */
export const lineChannel: ChannelPlugin<LineAccount> = {
  id: 'line',
  label: 'LINE',
  capabilities: {
    chatTypes: ['direct', 'group'],
    threads: false,
    media: true,
    reactions: false,
    edit: false,
    typing: true,
    reply: true,
  },
  textChunkLimit: LINE_TEXT_LIMIT,
  // LINE shows no markup: Markdown is flattened to readable plain text.
  formatText: markdownToPlainText,
  idLabel: 'lineUserId',
  configSchema: lineAccountSchema,
  isConfigured: (account) => hasCredentials(account, 'default', process.env),
  // The platform SDK loads with the first account that starts, not with every process.
  start: async (context) => (await import('./account.js')).startLineAccount(context, process.env),
};
