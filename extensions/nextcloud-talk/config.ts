/**
 * `channels.nextcloud-talk` (and each `channels.nextcloud-talk.accounts.<id>`): the common
 * account options plus the Talk bot's own. The manifest carries the JSON Schema of
 * `nextcloudTalkOptionsSchema` so the loader validates config without running this code; a
 * test keeps the two equal. `rooms.<token>` is OpenClaw's name for a conversation's rules:
 * it is folded into the common `groups` so access is decided like on every other channel.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { z } from 'zod';
import { channelAccountSchema, platformIdSchema } from '../../channels/shared/config.js';

const httpUrl = z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s) URL');

const roomSchema = z.strictObject({
  requireMention: z
    .boolean()
    .optional()
    .describe('Answer only when the bot is mentioned (default true)'),
  enabled: z.boolean().optional().describe('false: never answer in this conversation'),
  allowFrom: z
    .array(platformIdSchema)
    .optional()
    .describe('Actor ids (users/<id>) whose messages are answered here'),
});

/** The Talk bot's own options of one account (strict: a misspelt key is an error). */
export const nextcloudTalkOptionsShape = {
  baseUrl: httpUrl
    .optional()
    .describe('Base URL of the Nextcloud server (https://cloud.example.com)'),
  botSecret: z
    .string()
    .min(40)
    .optional()
    .describe('Shared secret given to occ talk:bot:install (40 to 128 characters)'),
  botSecretFile: z
    .string()
    .min(1)
    .optional()
    .describe('File holding the bot secret, instead of botSecret'),
  webhookPath: z
    .string()
    .regex(/^\/\S*$/, 'a path starting with /')
    .default('/nextcloud-talk-webhook')
    .describe("Path of the bot's webhook on the gateway's port"),
  botName: z
    .string()
    .min(1)
    .optional()
    .describe('The name the bot was installed with: a mention of it counts in conversations'),
  apiUser: z
    .string()
    .min(1)
    .optional()
    .describe('A Nextcloud user in the conversations, to tell one-to-one ones from groups'),
  apiPassword: z.string().min(1).optional().describe('App password of apiUser'),
  rooms: z
    .record(z.string(), roomSchema)
    .default({})
    .describe('Per conversation token (and "*"): requireMention, enabled, allowFrom'),
};

/** The channel-specific options alone, as the manifest's channelConfigSchemas declares them. */
export const nextcloudTalkOptionsSchema = z.strictObject(nextcloudTalkOptionsShape);

/** One account's options, common ones included; `rooms` merged under `groups`. */
export const nextcloudTalkAccountSchema = channelAccountSchema(nextcloudTalkOptionsShape).transform(
  (account) => ({ ...account, groups: { ...account.rooms, ...account.groups } }),
);

/** A validated Nextcloud Talk account. */
export type NextcloudTalkAccount = z.infer<typeof nextcloudTalkAccountSchema>;

/** Everything an account needs before it can start. */
export function isNextcloudTalkConfigured(account: NextcloudTalkAccount): boolean {
  return Boolean(account.baseUrl && (account.botSecret ?? account.botSecretFile));
}

/** The bot secret: inline, or read from its file (trailing newline dropped). */
export async function loadBotSecret(account: NextcloudTalkAccount): Promise<string> {
  if (account.botSecret) return account.botSecret;
  if (!account.botSecretFile) throw new Error('Nextcloud Talk needs botSecret or botSecretFile');
  const path = account.botSecretFile.replace(/^~(?=\/)/, homedir());
  const secret = (await readFile(path, 'utf8')).trim();
  if (secret.length < 40) throw new Error(`${account.botSecretFile} holds no bot secret`);
  return secret;
}
