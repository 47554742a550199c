/**
 * `channels.bluebubbles` (and each `channels.bluebubbles.accounts.<id>`): the common
 * account options plus the BlueBubbles server, its password, the webhook path on the
 * gateway, and the names that address the bot in group chats. `bluebubblesOptionsSchema`
 * alone is what the manifest declares (the loader adds the common keys).
 */
import { z } from 'zod';
import { channelAccountSchema } from '../../channels/shared/config.js';

const optionsShape = {
  serverUrl: z
    .string()
    .url()
    .optional()
    .describe('The BlueBubbles server, e.g. http://mac.local:1234 or its ngrok/Cloudflare URL'),
  password: z
    .string()
    .min(1)
    .optional()
    .describe("The server's password (API calls and the webhook check)"),
  webhookPath: z
    .string()
    .regex(/^\/[\w./-]*$/, 'a path starting with "/"')
    .default('/bluebubbles/webhook')
    .describe('Path of the webhook on the gateway; register it in BlueBubbles with ?password='),
  sendMethod: z
    .enum(['apple-script', 'private-api'])
    .default('apple-script')
    .describe('How the server sends; quoting replies and reactions need the Private API'),
  mentionNames: z
    .array(z.string().min(1))
    .default([])
    .describe('Names that address the bot in a group chat (iMessage has no bot mentions)'),
  ackReaction: z
    .enum(['love', 'like', 'dislike', 'laugh', 'emphasize', 'question'])
    .optional()
    .describe('Tapback put on each message the agent takes (needs the Private API)'),
};

/** BlueBubbles' own options (the manifest's channel schema). */
export const bluebubblesOptionsSchema = z.strictObject(optionsShape);

/** One BlueBubbles account's options, as validated. */
export const bluebubblesAccountSchema = channelAccountSchema(optionsShape);

/** A validated BlueBubbles account. */
export type BlueBubblesAccount = z.infer<typeof bluebubblesAccountSchema>;
