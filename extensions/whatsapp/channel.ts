/**
 * The WhatsApp channel over Meta's official Cloud API: a webhook in (signature checked,
 * redeliveries deduped on `wamid`), Graph API calls out, media both ways. Direct chats
 * only: business numbers on the Cloud API cannot be added to groups.
 */
import { markdownToStarMarkup, plainLink } from '../../channels/shared/markdown-star.js';
import type { ChannelPlugin } from '../../channels/types.js';
import { startWhatsAppAccount } from './account.js';
import { isWhatsAppConfigured, whatsappAccountSchema, type WhatsAppAccount } from './config.js';
import { WHATSAPP_TEXT_LIMIT } from './outbound.js';

/** The WhatsApp channel plugin. */
export const whatsappChannel: ChannelPlugin<WhatsAppAccount> = {
  id: 'whatsapp',
  label: 'WhatsApp',
  capabilities: {
    chatTypes: ['direct'],
    threads: false,
    media: true,
    reactions: false,
    edit: false,
    typing: true,
    reply: true,
  },
  textChunkLimit: WHATSAPP_TEXT_LIMIT,
  formatText: (markdown) => markdownToStarMarkup(markdown, plainLink),
  idLabel: 'whatsappId',
  configSchema: whatsappAccountSchema,
  isConfigured: isWhatsAppConfigured,
  start: startWhatsAppAccount,
};
