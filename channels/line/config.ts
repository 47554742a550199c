/**
 * `channels.line` (and each `channels.line.accounts.<id>`): the common account options plus
 * LINE's own. The default account may take its credentials from LINE_CHANNEL_ACCESS_TOKEN
 * and LINE_CHANNEL_SECRET.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { channelAccountSchema, DEFAULT_ACCOUNT_ID } from '../shared/config.js';

/** LINE's text message limit (here, beside the account options, so the plugin reads it without loading the SDK). */
export const LINE_TEXT_LIMIT = 5000;

/** One LINE account's options, as validated. */
export const lineAccountSchema = channelAccountSchema({
  channelAccessToken: z
    .string()
    .min(1)
    .optional()
    .describe('Channel access token (LINE Developers console, Messaging API tab)'),
  channelSecret: z
    .string()
    .min(1)
    .optional()
    .describe('Channel secret: checks the X-Line-Signature of every webhook call'),
  tokenFile: z
    .string()
    .min(1)
    .optional()
    .describe('A file holding the channel access token (keeps the secret out of the config)'),
  secretFile: z.string().min(1).optional().describe('A file holding the channel secret'),
  webhookPath: z
    .string()
    .startsWith('/')
    .default('/line/webhook')
    .describe("Path of the webhook on the gateway's port (set the public URL in the console)"),
  apiBaseUrl: z
    .string()
    .url()
    .optional()
    .describe('Messaging API server (default https://api.line.me; content from api-data.line.me)'),
});

/** A validated LINE account. */
export type LineAccount = z.infer<typeof lineAccountSchema>;

/** Environment variables of the default account. */
export const LINE_ENV = {
  token: 'LINE_CHANNEL_ACCESS_TOKEN',
  secret: 'LINE_CHANNEL_SECRET',
} as const;

const envFor = (accountId: string, env: NodeJS.ProcessEnv, name: string) =>
  accountId === DEFAULT_ACCOUNT_ID ? env[name] || undefined : undefined;

/** Whether token and secret can be found (config, files, or the env for the default account). */
export function hasCredentials(
  account: LineAccount,
  accountId: string,
  env: NodeJS.ProcessEnv,
): boolean {
  const token =
    account.channelAccessToken ?? account.tokenFile ?? envFor(accountId, env, LINE_ENV.token);
  const secret =
    account.channelSecret ?? account.secretFile ?? envFor(accountId, env, LINE_ENV.secret);
  return Boolean(token && secret);
}

async function firstLine(path: string, what: string): Promise<string> {
  const value = (await readFile(path, 'utf8')).trim();
  if (value === '') throw new Error(`${what} ${path} is empty`);
  return value;
}

/** Token and secret: the config value, else its file, else (default account) the env. */
export async function resolveCredentials(
  account: LineAccount,
  accountId: string,
  env: NodeJS.ProcessEnv,
): Promise<{ channelAccessToken: string; channelSecret: string }> {
  const channelAccessToken =
    account.channelAccessToken ??
    (account.tokenFile ? await firstLine(account.tokenFile, 'tokenFile') : undefined) ??
    envFor(accountId, env, LINE_ENV.token);
  const channelSecret =
    account.channelSecret ??
    (account.secretFile ? await firstLine(account.secretFile, 'secretFile') : undefined) ??
    envFor(accountId, env, LINE_ENV.secret);
  if (!channelAccessToken) {
    throw new Error(
      `no channel access token: set channelAccessToken, tokenFile or ${LINE_ENV.token}`,
    );
  }
  if (!channelSecret) {
    throw new Error(`no channel secret: set channelSecret, secretFile or ${LINE_ENV.secret}`);
  }
  return { channelAccessToken, channelSecret };
}
