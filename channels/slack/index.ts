import { channelAccountSchema } from '../shared/config.js';
import { markdownToSlackMrkdwn } from '../shared/markdown-slack.js';
import type { ChannelPlugin } from '../types.js';
import type { SlackAccount } from './account.js';
import { missingCredentials, slackOptionsShape } from './config.js';

export type { SlackAccount };

/**
 * Slack through @slack/bolt: Socket Mode (default) or the Events API on the gateway's port.
 * Slack has no typing indicator for bots, so there is no sendTyping; replies to channel
 * messages go in the thread of the message (see channels/slack/README.md).
 */
export const slackChannel: ChannelPlugin<SlackAccount> = {
  id: 'slack',
  label: 'Slack',
  capabilities: {
    chatTypes: ['direct', 'group', 'channel'],
    threads: true,
    media: true,
    reactions: false,
    edit: true,
    typing: false,
    reply: true,
  },
  textChunkLimit: 4000,
  formatText: markdownToSlackMrkdwn,
  idLabel: 'slackUserId',
  configSchema: channelAccountSchema(slackOptionsShape),
  isConfigured: (account) => missingCredentials(account).length === 0,
  // The platform SDK loads with the first account that starts, not with every process.
  start: async (context) => (await import('./account.js')).startSlackAccount(context),
};
