/**
 * The BlueBubbles channel: iMessage through a BlueBubbles server on a Mac (REST API out,
 * webhook in): direct and group chats (answered when they name the bot), files both ways,
 * tapbacks. Set-up is in README.md beside this file.
 */
import { markdownToPlainText } from '../../channels/shared/markdown-plain.js';
import type { ChannelPlugin } from '../../channels/types.js';
import { startBlueBubblesAccount } from './account.js';
import { bluebubblesAccountSchema, type BlueBubblesAccount } from './config.js';

/** The BlueBubbles channel plugin. */
export const bluebubblesChannel: ChannelPlugin<BlueBubblesAccount> = {
  id: 'bluebubbles',
  label: 'BlueBubbles',
  capabilities: {
    chatTypes: ['direct', 'group'],
    threads: false,
    media: true,
    reactions: true,
    edit: false,
    typing: false,
    reply: true,
  },
  textChunkLimit: 4000,
  // Messages shows text as typed.
  formatText: (markdown) => markdownToPlainText(markdown),
  idLabel: 'imessageHandle',
  configSchema: bluebubblesAccountSchema,
  isConfigured: (account) => account.serverUrl !== undefined && account.password !== undefined,
  start: (context) => startBlueBubblesAccount(context),
};
