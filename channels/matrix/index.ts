/**
 * The Matrix channel (matrix-js-sdk): direct rooms and group rooms, threads, replies with
 * HTML `formatted_body`, media through the media repository, typing and read markers,
 * invites joined per `autoJoin`. Set-up for users is in README.md beside this file.
 */
import type { ChannelPlugin } from '../types.js';
import { credentialsOf, matrixAccountSchema, type MatrixAccount } from './config.js';

export type { MatrixAccount };

/** The Matrix channel plugin. */
export const matrixChannel: ChannelPlugin<MatrixAccount> = {
  id: 'matrix',
  label: 'Matrix',
  capabilities: {
    chatTypes: ['direct', 'channel'],
    threads: true,
    media: true,
    reactions: false,
    edit: false,
    typing: true,
    reply: true,
  },
  // Matrix has no hard text limit (events up to 64 KiB); chunks this size read well and
  // leave room for the HTML copy of the text in the same event.
  textChunkLimit: 4000,
  // Chunks stay Markdown: each is sent as `body` with its HTML as `formatted_body`.
  formatText: (markdown) => markdown,
  idLabel: 'matrixUserId',
  configSchema: matrixAccountSchema,
  isConfigured: (account) => credentialsOf(account, 'default', process.env) !== undefined,
  // The platform SDK loads with the first account that starts, not with every process.
  start: async (context) => (await import('./account.js')).startMatrixAccount(context, process.env),
};
