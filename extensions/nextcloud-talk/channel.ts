/**
 * The Nextcloud Talk channel: a Talk webhook bot. Signed events come in on the gateway's
 * port; replies go out through Talk's bot message endpoint, signed with the same secret.
 * Markdown is Talk's own format, so the model's text is sent as it is.
 */
import type { ChannelPlugin } from '../../channels/types.js';
import { startNextcloudTalkAccount } from './account.js';
import {
  isNextcloudTalkConfigured,
  nextcloudTalkAccountSchema,
  type NextcloudTalkAccount,
} from './config.js';

/** Talk takes 32000 characters; chunks stay at 4000 like OpenClaw's so replies stay readable. */
export const NEXTCLOUD_TALK_TEXT_LIMIT = 4000;

/** The Nextcloud Talk channel plugin. */
export const nextcloudTalkChannel: ChannelPlugin<NextcloudTalkAccount> = {
  id: 'nextcloud-talk',
  label: 'Nextcloud Talk',
  capabilities: {
    chatTypes: ['direct', 'group'],
    threads: false,
    media: false,
    reactions: false,
    edit: false,
    typing: false,
    reply: true,
  },
  textChunkLimit: NEXTCLOUD_TALK_TEXT_LIMIT,
  formatText: (markdown) => markdown,
  idLabel: 'nextcloudTalkActor',
  configSchema: nextcloudTalkAccountSchema,
  isConfigured: isNextcloudTalkConfigured,
  start: startNextcloudTalkAccount,
};
