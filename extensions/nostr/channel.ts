/**
 * The Nostr channel: encrypted direct messages over relays, in both NIP-04 (kind 4) and
 * NIP-17 (gift-wrapped kind 14) form; each peer is answered in the protocol it wrote in.
 * Set-up is in README.md beside this file.
 */
import { markdownToPlainText } from '../../channels/shared/markdown-plain.js';
import type { ChannelPlugin } from '../../channels/types.js';
import { startNostrAccount } from './account.js';
import { nostrAccountSchema, type NostrAccount } from './config.js';

/** The Nostr channel plugin. */
export const nostrChannel: ChannelPlugin<NostrAccount> = {
  id: 'nostr',
  label: 'Nostr',
  capabilities: {
    chatTypes: ['direct'],
    threads: false,
    media: false,
    reactions: false,
    edit: false,
    typing: false,
    reply: true,
  },
  textChunkLimit: 4000,
  // Clients show DM text as typed.
  formatText: (markdown) => markdownToPlainText(markdown),
  idLabel: 'nostrPubkey',
  configSchema: nostrAccountSchema,
  isConfigured: (account) => account.privateKey !== undefined,
  start: (context) => startNostrAccount(context),
};
