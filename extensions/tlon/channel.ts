/**
 * The Tlon channel: an Urbit ship's DMs and group chat channels through its eyre HTTP
 * API (@urbit/http-api). Set-up is in README.md beside this file.
 */
import { markdownToPlainText } from '../../channels/shared/markdown-plain.js';
import type { ChannelPlugin } from '../../channels/types.js';
import { startTlonAccount } from './account.js';
import { tlonAccountSchema, type TlonAccount } from './config.js';

/** The Tlon channel plugin. */
export const tlonChannel: ChannelPlugin<TlonAccount> = {
  id: 'tlon',
  label: 'Tlon',
  capabilities: {
    chatTypes: ['direct', 'group'],
    threads: true,
    media: false,
    reactions: false,
    edit: false,
    typing: false,
    reply: false,
  },
  textChunkLimit: 10_000,
  formatText: (markdown) => markdownToPlainText(markdown),
  idLabel: 'ship',
  configSchema: tlonAccountSchema,
  isConfigured: (account) => Boolean(account.ship && account.url && account.code),
  start: (context) => startTlonAccount(context),
};
