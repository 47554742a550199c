/**
 * The LINE channel (@line/bot-sdk): 1:1 chats, groups and rooms through the Messaging API
 * webhook, replies by reply token or push (with a retry key), stickers and images in.
 * Set-up for users is in README.md beside this file.
 */
import { markdownToPlainText } from '../shared/markdown-plain.js';
import type { ChannelPlugin } from '../types.js';
import { startLineAccount } from './account.js';
import { hasCredentials, lineAccountSchema, type LineAccount } from './config.js';
import { LINE_TEXT_LIMIT } from './outbound.js';

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
  start: (context) => startLineAccount(context, process.env),
};
