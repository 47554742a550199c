/**
 * The built-in channels, in the order `channels list` shows them. Each platform adds its
 * one line here (`import { telegramChannel } from './telegram/index.js'` and the entry);
 * the gateway starts the configured accounts of these plugins (channels/runtime).
 */
import { discordChannel } from './discord/index.js';
import { lineChannel } from './line/index.js';
import { matrixChannel } from './matrix/index.js';
import { mattermostChannel } from './mattermost/index.js';
import { slackChannel } from './slack/index.js';
import { telegramChannel } from './telegram/index.js';
import type { ChannelPlugin } from './types.js';
import { webchatChannel } from './webchat/index.js';

/** Every channel ClawdBot ships with. */
export const builtInChannels: readonly ChannelPlugin[] = [
  telegramChannel,
  discordChannel,
  slackChannel,
  matrixChannel,
  lineChannel,
  mattermostChannel,
  webchatChannel,
];
