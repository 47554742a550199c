/**
 * The Microsoft Teams channel: a Bot Framework bot. Activities come in on the messaging
 * endpoint with a bearer JWT verified against the Bot Framework's OpenID keys; replies go
 * to the activity's serviceUrl with the bot's app token. Personal chats, group chats and
 * team channels (threads, mention gating). Teams renders Markdown, so text is sent as is.
 */
import type { ChannelPlugin } from '../../channels/types.js';
import { startMsTeamsAccount } from './account.js';
import { isMsTeamsConfigured, msteamsAccountSchema, type MsTeamsAccount } from './config.js';

/** Teams takes about 28 KB a message; chunks stay at 4000 characters like OpenClaw's. */
export const MSTEAMS_TEXT_LIMIT = 4000;

/** The Microsoft Teams channel plugin. */
export const msteamsChannel: ChannelPlugin<MsTeamsAccount> = {
  id: 'msteams',
  label: 'Microsoft Teams',
  capabilities: {
    chatTypes: ['direct', 'group', 'channel'],
    threads: true,
    media: false,
    reactions: false,
    edit: false,
    typing: false,
    reply: true,
  },
  textChunkLimit: MSTEAMS_TEXT_LIMIT,
  formatText: (markdown) => markdown,
  idLabel: 'msteamsUserId',
  configSchema: msteamsAccountSchema,
  isConfigured: isMsTeamsConfigured,
  start: startMsTeamsAccount,
};
