/**
 * `channels.imessage` (and each `channels.imessage.accounts.<id>`): the common account
 * options plus how to run `imsg rpc` (locally, or on a Mac over SSH) and the names that
 * address the bot in group chats. `imessageOptionsSchema` alone is what the manifest
 * declares (the loader adds the common keys).
 */
import { z } from 'zod';
import { channelAccountSchema } from '../../channels/shared/config.js';

const optionsShape = {
  cliPath: z.string().min(1).default('imsg').describe('The imsg executable (on the Mac)'),
  dbPath: z
    .string()
    .min(1)
    .optional()
    .describe("Messages database for imsg --db (default: imsg's, ~/Library/Messages/chat.db)"),
  remoteHost: z
    .string()
    .min(1)
    .optional()
    .describe('Run imsg on this host over ssh (user@mac.local); keys must already be set up'),
  service: z
    .enum(['imessage', 'sms', 'auto'])
    .default('auto')
    .describe('How imsg sends: iMessage, SMS, or whichever the chat uses'),
  mentionNames: z
    .array(z.string().min(1))
    .default([])
    .describe('Names that address the bot in a group chat (iMessage has no bot mentions)'),
  includeAttachments: z
    .boolean()
    .default(true)
    .describe('Ask imsg for attachments and hand them to the agent'),
};

/** iMessage's own options (the manifest's channel schema). */
export const imessageOptionsSchema = z.strictObject(optionsShape);

/** One iMessage account's options, as validated. */
export const imessageAccountSchema = channelAccountSchema(optionsShape);

/** A validated iMessage account. */
export type IMessageAccount = z.infer<typeof imessageAccountSchema>;
