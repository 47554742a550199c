/**
 * `channels.matrix` (and each `channels.matrix.accounts.<id>`): the common account options
 * plus Matrix's own. The default account may take its homeserver and credentials from
 * MATRIX_HOMESERVER, MATRIX_USER_ID, MATRIX_ACCESS_TOKEN and MATRIX_PASSWORD.
 */
import { z } from 'zod';
import { channelAccountSchema, DEFAULT_ACCOUNT_ID } from '../shared/config.js';

/** One Matrix account's options, as validated. */
export const matrixAccountSchema = channelAccountSchema({
  homeserver: z
    .string()
    .url()
    .optional()
    .describe('Client-server API base URL of the homeserver, e.g. https://matrix.example.org'),
  userId: z
    .string()
    .regex(/^@[^:]+:.+$/, 'a Matrix user id like @bot:example.org')
    .optional()
    .describe("The bot's full Matrix user id"),
  accessToken: z.string().min(1).optional().describe('Access token of the bot (preferred)'),
  password: z
    .string()
    .min(1)
    .optional()
    .describe('Password to log in with when there is no access token (the session is kept)'),
  deviceName: z
    .string()
    .min(1)
    .default('ClawdBot')
    .describe('Display name of the device a password login creates'),
  autoJoin: z
    .enum(['always', 'allowlist', 'off'])
    .default('always')
    .describe(
      'Invites the bot accepts: always (those dmPolicy / groupPolicy would answer), allowlist (listed rooms and senders only), off',
    ),
  threadReplies: z
    .enum(['off', 'inbound', 'always'])
    .default('inbound')
    .describe(
      'inbound: answer a thread message in its thread; always: also start a thread under a room message; off: never reply in threads',
    ),
  encryption: z
    .boolean()
    .default(false)
    .describe('End-to-end encryption (not supported yet: encrypted rooms are reported, not read)'),
});

/** A validated Matrix account. */
export type MatrixAccount = z.infer<typeof matrixAccountSchema>;

/** Environment variables the default account may take its settings from. */
export const MATRIX_ENV = {
  homeserver: 'MATRIX_HOMESERVER',
  userId: 'MATRIX_USER_ID',
  accessToken: 'MATRIX_ACCESS_TOKEN',
  password: 'MATRIX_PASSWORD',
} as const;

/** What logging in needs, resolved from config and (default account only) the env. */
export interface MatrixCredentials {
  homeserver: string;
  userId: string;
  accessToken?: string;
  password?: string;
}

/**
 * The account's homeserver, user and secret: config first, then (for the default account
 * only, so two bots never share one env token) the MATRIX_* variables. Undefined when
 * something is missing.
 */
export function credentialsOf(
  account: MatrixAccount,
  accountId: string,
  env: NodeJS.ProcessEnv,
): MatrixCredentials | undefined {
  const fromEnv = (key: keyof typeof MATRIX_ENV) =>
    accountId === DEFAULT_ACCOUNT_ID ? env[MATRIX_ENV[key]] || undefined : undefined;
  const homeserver = account.homeserver ?? fromEnv('homeserver');
  const userId = account.userId ?? fromEnv('userId');
  const accessToken = account.accessToken ?? fromEnv('accessToken');
  const password = account.password ?? fromEnv('password');
  if (!homeserver || !userId || !(accessToken ?? password)) return undefined;
  return {
    homeserver: homeserver.replace(/\/+$/, ''),
    userId,
    ...(accessToken ? { accessToken } : {}),
    ...(password ? { password } : {}),
  };
}
