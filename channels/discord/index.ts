import type { ChannelPlugin } from '../types.js';
import { discordAccountSchema, discordToken } from './config.js';
import type { DiscordAccount } from './config.js';

/** Discord through discord.js: DMs, group DMs, guild channels and their threads. */
export const discordChannel: ChannelPlugin<DiscordAccount> = {
  id: 'discord',
  label: 'Discord',
  capabilities: {
    chatTypes: ['direct', 'group', 'channel'],
    threads: true,
    media: true,
    reactions: false,
    edit: true,
    typing: true,
    reply: true,
  },
  // OpenClaw's Discord limit; Discord itself refuses content over 2000 characters.
  textChunkLimit: 2000,
  // Discord renders Markdown itself: model output goes out as written.
  formatText: (markdown) => markdown,
  idLabel: 'discordUserId',
  configSchema: discordAccountSchema,
  isConfigured: (account) => discordToken(account) !== undefined,
  // The platform SDK loads with the first account that starts, not with every process.
  start: async (context) => (await import('./account.js')).startDiscordAccount(context),
};
