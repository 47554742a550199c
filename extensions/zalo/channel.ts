/**
 * The Zalo channel: a bot of the Zalo Bot Platform. Updates come by long polling or by
 * webhook; replies go out with sendMessage, as plain text (Zalo shows no markup) of at most
 * 2000 characters a message.
 */
import { markdownToPlainText } from '../../channels/shared/markdown-plain.js';
import type { ChannelPlugin } from '../../channels/types.js';
import { startZaloAccount } from './account.js';
import { isZaloConfigured, zaloAccountSchema, type ZaloAccount } from './config.js';

/** The Bot API's text limit per message. */
export const ZALO_TEXT_LIMIT = 2000;

/** The Zalo channel plugin. */
export const zaloChannel: ChannelPlugin<ZaloAccount> = {
  id: 'zalo',
  label: 'Zalo',
  capabilities: {
    chatTypes: ['direct', 'group'],
    threads: false,
    media: true,
    reactions: false,
    edit: false,
    typing: true,
    reply: false,
  },
  textChunkLimit: ZALO_TEXT_LIMIT,
  formatText: markdownToPlainText,
  idLabel: 'zaloUserId',
  configSchema: zaloAccountSchema,
  isConfigured: isZaloConfigured,
  start: startZaloAccount,
};
