/**
 * `channels.telegram` (and each `channels.telegram.accounts.<id>`): the common account
 * options plus Telegram's own, strict so a misspelt key is reported, not ignored.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { channelAccountSchema } from '../shared/config.js';

/** One Telegram account's options, as validated. */
export const telegramAccountSchema = channelAccountSchema({
  botToken: z.string().min(1).optional().describe('Bot token from @BotFather'),
  tokenFile: z
    .string()
    .min(1)
    .optional()
    .describe('A file holding the bot token (read at start; keeps the secret out of the config)'),
  apiRoot: z
    .string()
    .url()
    .optional()
    .describe('Bot API server (default https://api.telegram.org): a self-hosted telegram-bot-api'),
  webhookUrl: z
    .string()
    .url()
    .optional()
    .describe(
      'Public HTTPS URL Telegram posts updates to; set = webhook mode, unset = long polling',
    ),
  webhookSecret: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, 'letters, digits, "_" and "-", at most 256 characters')
    .optional()
    .describe('Checked against the X-Telegram-Bot-Api-Secret-Token header of every webhook call'),
  webhookPath: z
    .string()
    .startsWith('/')
    .optional()
    .describe("Path served on the gateway's port (default: the path of webhookUrl)"),
  streamMode: z
    .enum(['off', 'partial'])
    .default('off')
    .describe('partial: one draft message edited as the reply streams in'),
});

/** A validated Telegram account. */
export type TelegramAccount = z.infer<typeof telegramAccountSchema>;

/** The environment variable the default account's token may come from. */
export const TOKEN_ENV = 'TELEGRAM_BOT_TOKEN';

/** Whether a token can be found for the account (config, token file or, for `default`, the env). */
export function hasToken(account: TelegramAccount, env: NodeJS.ProcessEnv): boolean {
  return Boolean(account.botToken ?? account.tokenFile ?? env[TOKEN_ENV]);
}

/**
 * The account's bot token: `botToken`, else the first line of `tokenFile`, else (default
 * account only, so two bots never share one env token) TELEGRAM_BOT_TOKEN.
 */
export async function resolveToken(
  account: TelegramAccount,
  accountId: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  if (account.botToken) return account.botToken;
  if (account.tokenFile) {
    const token = (await readFile(account.tokenFile, 'utf8')).trim();
    if (token === '') throw new Error(`tokenFile ${account.tokenFile} is empty`);
    return token;
  }
  const fromEnv = accountId === 'default' ? env[TOKEN_ENV] : undefined;
  if (fromEnv) return fromEnv;
  throw new Error(`no bot token: set botToken, tokenFile or ${TOKEN_ENV}`);
}

/** The route a webhook is served on: webhookPath, else the path of webhookUrl. */
export function webhookPathOf(account: TelegramAccount): string {
  if (account.webhookPath) return account.webhookPath;
  const path = account.webhookUrl ? new URL(account.webhookUrl).pathname : '/';
  return path === '/' ? '/telegram-webhook' : path;
}
