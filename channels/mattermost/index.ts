/**
 * The Mattermost channel (@mattermost/client's Client4 for REST v4, the WebSocket event
 * stream on `ws`): direct messages, group messages and channels per chatmode, replies in
 * the thread of the triggering post, files both ways. Set-up is in README.md beside this file.
 */
import type { ChannelPlugin } from '../types.js';
import { credentialsOf, mattermostAccountSchema, type MattermostAccount } from './config.js';

export type { MattermostAccount };

/** The Mattermost channel plugin. */
export const mattermostChannel: ChannelPlugin<MattermostAccount> = {
  id: 'mattermost',
  label: 'Mattermost',
  capabilities: {
    chatTypes: ['direct', 'group', 'channel'],
    threads: true,
    media: true,
    reactions: false,
    edit: false,
    typing: true,
    reply: false,
  },
  // The server's default MaxPostSize is 16383; 4000 keeps each post readable.
  textChunkLimit: 4000,
  // Mattermost renders Markdown itself.
  formatText: (markdown) => markdown,
  idLabel: 'mattermostUserId',
  configSchema: mattermostAccountSchema,
  isConfigured: (account) => credentialsOf(account, 'default', process.env) !== undefined,
  // The platform SDK loads with the first account that starts, not with every process.
  start: async (context) =>
    (await import('./account.js')).startMattermostAccount(context, process.env),
};
