/**
 * The Twitch channel: Twitch chat over IRC (WebSocket) with @twurple/chat. The bot joins
 * the configured rooms and answers @mentions (and replies to its own messages), at most
 * 500 characters a message. Set-up is in README.md beside this file.
 */
import { markdownToPlainText } from '../../channels/shared/markdown-plain.js';
import type { ChannelPlugin } from '../../channels/types.js';
import { oneLine, startTwitchAccount } from './account.js';
import { twitchAccountSchema, type TwitchAccount } from './config.js';

/** The Twitch channel plugin. */
export const twitchChannel: ChannelPlugin<TwitchAccount> = {
  id: 'twitch',
  label: 'Twitch',
  capabilities: {
    chatTypes: ['channel'],
    threads: false,
    media: false,
    reactions: false,
    edit: false,
    typing: false,
    reply: true,
  },
  // Twitch drops longer chat messages.
  textChunkLimit: 500,
  formatText: (markdown) => oneLine(markdownToPlainText(markdown)),
  idLabel: 'twitchLogin',
  configSchema: twitchAccountSchema,
  isConfigured: (account) => account.accessToken !== undefined,
  start: (context) => startTwitchAccount(context),
};
