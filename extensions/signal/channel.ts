/**
 * The Signal channel, through a signal-cli daemon's HTTP interface (JSON-RPC out,
 * Server-Sent Events in): direct messages and groups (answered when the bot is
 * @mentioned), files both ways, typing, quotes. Set-up is in README.md beside this file.
 */
import { markdownToPlainText } from '../../channels/shared/markdown-plain.js';
import type { ChannelPlugin } from '../../channels/types.js';
import { startSignalAccount } from './account.js';
import { signalAccountSchema, type SignalAccount } from './config.js';

/** The Signal channel plugin. */
export const signalChannel: ChannelPlugin<SignalAccount> = {
  id: 'signal',
  label: 'Signal',
  capabilities: {
    chatTypes: ['direct', 'group'],
    threads: false,
    media: true,
    reactions: false,
    edit: false,
    typing: true,
    reply: true,
  },
  textChunkLimit: 4000,
  // Signal shows text as typed: Markdown markers would appear literally.
  formatText: (markdown) => markdownToPlainText(markdown),
  idLabel: 'signalNumber',
  configSchema: signalAccountSchema,
  isConfigured: (account) => account.account !== undefined,
  start: (context) => startSignalAccount(context),
};
