/**
 * `channels.zalo` (and each `channels.zalo.accounts.<id>`): the common account options plus
 * the Zalo bot's own. The manifest carries the JSON Schema of `zaloOptionsSchema`, so the
 * loader validates config without running this code; a test keeps the two equal. Without
 * `webhookUrl` the bot long-polls getUpdates; with it, Zalo posts updates to the gateway.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { z } from 'zod';
import { channelAccountSchema } from '../../channels/shared/config.js';

/** The Zalo Bot API server (`<apiBaseUrl>/bot<token>/<method>`). */
export const ZALO_API_BASE_URL = 'https://bot-api.zaloplatforms.com';

const httpUrl = z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s) URL');

/** The Zalo bot's own options of one account (strict: a misspelt key is an error). */
export const zaloOptionsShape = {
  botToken: z
    .string()
    .min(1)
    .optional()
    .describe('The bot token from Zalo Bot Creator (<id>:<secret>)'),
  tokenFile: z
    .string()
    .min(1)
    .optional()
    .describe('File holding the bot token, instead of botToken'),
  apiBaseUrl: httpUrl.default(ZALO_API_BASE_URL).describe('Zalo Bot API server'),
  webhookUrl: z
    .string()
    .regex(/^https:\/\/\S+$/, 'Zalo only posts to https URLs')
    .optional()
    .describe('Public HTTPS URL of the webhook (unset: long polling); it reaches webhookPath'),
  webhookSecret: z
    .string()
    .min(8)
    .max(256)
    .optional()
    .describe('Secret Zalo sends in X-Bot-Api-Secret-Token (8 to 256 characters)'),
  webhookPath: z
    .string()
    .regex(/^\/\S*$/, 'a path starting with /')
    .default('/zalo-webhook')
    .describe("Path of the webhook on the gateway's port"),
  pollTimeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(60)
    .default(30)
    .describe('How long one getUpdates call waits for a message'),
};

/** The channel-specific options alone, as the manifest's channelConfigSchemas declares them. */
export const zaloOptionsSchema = z.strictObject(zaloOptionsShape);

/** One Zalo account's options, common ones included; a webhook needs its secret. */
export const zaloAccountSchema = channelAccountSchema(zaloOptionsShape).superRefine(
  (account, context) => {
    if (account.webhookUrl && !account.webhookSecret) {
      context.addIssue({
        code: 'custom',
        path: ['webhookSecret'],
        message: 'webhookUrl needs webhookSecret (Zalo signs each webhook call with it)',
      });
    }
  },
);

/** A validated Zalo account. */
export type ZaloAccount = z.infer<typeof zaloAccountSchema>;

/** Everything an account needs before it can start. */
export function isZaloConfigured(account: ZaloAccount): boolean {
  return Boolean(account.botToken ?? account.tokenFile);
}

/** The bot token: inline, or read from its file. */
export async function loadBotToken(account: ZaloAccount): Promise<string> {
  if (account.botToken) return account.botToken;
  if (!account.tokenFile) throw new Error('Zalo needs botToken or tokenFile');
  const token = (await readFile(account.tokenFile.replace(/^~(?=\/)/, homedir()), 'utf8')).trim();
  if (!token) throw new Error(`${account.tokenFile} is empty`);
  return token;
}
