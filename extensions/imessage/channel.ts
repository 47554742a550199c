/**
 * The iMessage channel, through the `imsg` CLI's JSON-RPC over stdio (on this Mac, or on
 * one reached over ssh): direct chats and group chats (answered when they name the bot),
 * files both ways. Set-up is in README.md beside this file.
 */
import { markdownToPlainText } from '../../channels/shared/markdown-plain.js';
import type { ChannelPlugin } from '../../channels/types.js';
import { startImessageAccount } from './account.js';
import { imessageAccountSchema, type IMessageAccount } from './config.js';

/** The iMessage channel plugin. */
export const imessageChannel: ChannelPlugin<IMessageAccount> = {
  id: 'imessage',
  label: 'iMessage',
  capabilities: {
    chatTypes: ['direct', 'group'],
    threads: false,
    media: true,
    reactions: false,
    edit: false,
    typing: false,
    reply: false,
  },
  textChunkLimit: 4000,
  // Messages shows text as typed.
  formatText: (markdown) => markdownToPlainText(markdown),
  idLabel: 'imessageHandle',
  configSchema: imessageAccountSchema,
  // Nothing to fill in: imsg finds the Messages database itself.
  isConfigured: () => true,
  start: (context) => startImessageAccount(context),
};
