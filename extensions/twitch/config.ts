/**
 * `channels.twitch` (and each `channels.twitch.accounts.<id>`): the common account options
 * plus the bot's token and the chat rooms it joins. Each joined room is added to `groups`
 * (unless listed there already), so the bot answers @mentions in exactly the rooms it
 * joined without a second list; `groups.<room>.requireMention: false` makes it answer
 * everything in a room. `twitchOptionsSchema` alone is what the manifest declares.
 */
import { z } from 'zod';
import { channelAccountSchema } from '../../channels/shared/config.js';

const optionsShape = {
  accessToken: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe(
      'User access token of the bot account with chat:read and chat:edit ("oauth:" optional)',
    ),
  clientId: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('Client id of the Twitch application the token was issued to'),
  channels: z
    .array(z.string().trim().min(1))
    .default([])
    .describe('Chat rooms to join, by channel login (e.g. "mychannel"; a leading # is dropped)'),
  server: z
    .string()
    .regex(/^wss?:\/\//, 'the chat server is a ws:// or wss:// URL')
    .default('wss://irc-ws.chat.twitch.tv:443')
    .describe("Twitch chat's IRC-over-WebSocket server (change only for a proxy or a test server)"),
};

/** Twitch's own options (the manifest's channel schema). */
export const twitchOptionsSchema = z.strictObject(optionsShape);

/** A channel login as Twitch names a room: lower case, no '#'. */
export const roomName = (channel: string) => channel.replace(/^#/, '').toLowerCase();

/** One Twitch account's options, as validated (joined rooms listed in groups). */
export const twitchAccountSchema = channelAccountSchema(optionsShape).transform((account) => {
  const channels = [...new Set(account.channels.map(roomName))];
  const groups = { ...account.groups };
  for (const room of channels) groups[room] ??= {};
  return { ...account, channels, groups };
});

/** A validated Twitch account. */
export type TwitchAccount = z.infer<typeof twitchAccountSchema>;
