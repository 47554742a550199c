/**
 * The Google Chat channel: a Chat app on an HTTP endpoint. Events come in with a bearer
 * token verified against Google's published keys; replies go out through the Chat API as
 * the app (service account). Direct messages and spaces, threads, mention gating in spaces.
 */
import { googleChatLink, markdownToStarMarkup } from '../../channels/shared/markdown-star.js';
import type { ChannelPlugin } from '../../channels/types.js';
import { startGoogleChatAccount } from './account.js';
import {
  googlechatAccountSchema,
  isGoogleChatConfigured,
  type GoogleChatAccount,
} from './config.js';
import { GOOGLECHAT_TEXT_LIMIT } from './outbound.js';

/** The Google Chat channel plugin. */
export const googlechatChannel: ChannelPlugin<GoogleChatAccount> = {
  id: 'googlechat',
  label: 'Google Chat',
  capabilities: {
    chatTypes: ['direct', 'group'],
    threads: true,
    media: true,
    reactions: false,
    edit: false,
    typing: false,
    reply: false,
  },
  textChunkLimit: GOOGLECHAT_TEXT_LIMIT,
  formatText: (markdown) => markdownToStarMarkup(markdown, googleChatLink),
  idLabel: 'googleChatUser',
  configSchema: googlechatAccountSchema,
  isConfigured: isGoogleChatConfigured,
  start: startGoogleChatAccount,
};
