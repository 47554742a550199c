/**
 * `channels.mattermost` (and each `channels.mattermost.accounts.<id>`): the common account
 * options plus Mattermost's own. The default account may take its server and token from
 * MATTERMOST_URL and MATTERMOST_BOT_TOKEN.
 */
import { z } from 'zod';
import { channelAccountSchema, DEFAULT_ACCOUNT_ID } from '../shared/config.js';

/** One Mattermost account's options, as validated. */
export const mattermostAccountSchema = channelAccountSchema({
  baseUrl: z
    .string()
    .url()
    .optional()
    .describe('The Mattermost server, e.g. https://chat.example.com'),
  botToken: z.string().min(1).optional().describe('Access token of the bot account'),
  chatmode: z
    .enum(['oncall', 'onmessage', 'onchar'])
    .default('oncall')
    .describe(
      'In channels: oncall answers @mentions, onmessage every message, onchar messages starting with a prefix',
    ),
  oncharPrefixes: z
    .array(z.string().min(1))
    .default(['>', '!'])
    .describe('Prefixes that address the bot in chatmode onchar (removed from the text)'),
  requireMention: z
    .boolean()
    .default(true)
    .describe('In chatmode oncall: answer channel messages only when they mention the bot'),
});

/** A validated Mattermost account. */
export type MattermostAccount = z.infer<typeof mattermostAccountSchema>;

/** Environment variables of the default account. */
export const MATTERMOST_ENV = { url: 'MATTERMOST_URL', token: 'MATTERMOST_BOT_TOKEN' } as const;

/** Server and token from config, else (default account only) the env; undefined if missing. */
export function credentialsOf(
  account: MattermostAccount,
  accountId: string,
  env: NodeJS.ProcessEnv,
): { baseUrl: string; botToken: string } | undefined {
  const fromEnv = (name: string) =>
    accountId === DEFAULT_ACCOUNT_ID ? env[name] || undefined : undefined;
  const baseUrl = account.baseUrl ?? fromEnv(MATTERMOST_ENV.url);
  const botToken = account.botToken ?? fromEnv(MATTERMOST_ENV.token);
  if (!baseUrl || !botToken) return undefined;
  return { baseUrl: baseUrl.replace(/\/+$/, ''), botToken };
}
