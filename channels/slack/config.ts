import { z } from 'zod';

/**
 * Slack's own options of one account, under `channels.slack` (the `default` account) or
 * `channels.slack.accounts.<id>`; the options every channel shares are added by the runtime.
 */
export const slackOptionsShape = {
  mode: z
    .enum(['socket', 'http'])
    .default('socket')
    .describe('socket: Socket Mode over a WebSocket (no public URL needed); http: Events API'),
  botToken: z
    .string()
    .startsWith('xoxb-', 'a bot token (xoxb-...)')
    .optional()
    .describe('Bot User OAuth Token; SLACK_BOT_TOKEN when unset'),
  appToken: z
    .string()
    .startsWith('xapp-', 'an app-level token (xapp-...)')
    .optional()
    .describe('App-level token with connections:write (Socket Mode); SLACK_APP_TOKEN when unset'),
  signingSecret: z
    .string()
    .min(1)
    .optional()
    .describe('Signing secret that signs Events API requests (http mode)'),
  webhookPath: z
    .string()
    .regex(/^\/[^\s?#]*$/, 'a path starting with "/"')
    .default('/slack/events')
    .describe('Path of the Events API Request URL on the gateway port (http mode)'),
  apiUrl: z
    .url()
    .optional()
    .describe('Web API base URL (default https://slack.com/api/); Socket Mode URLs come from it'),
};

/** Slack's own options of one account, as parsed. */
export type SlackOptions = z.infer<z.ZodObject<typeof slackOptionsShape>>;

/** The credentials an account runs with: its own, else the environment's. */
export interface SlackCredentials {
  botToken?: string;
  appToken?: string;
  signingSecret?: string;
}

/**
 * Tokens from the account, falling back to SLACK_BOT_TOKEN / SLACK_APP_TOKEN /
 * SLACK_SIGNING_SECRET so a token need not be written into clawdbot.json.
 */
export function slackCredentials(
  options: Pick<SlackOptions, 'botToken' | 'appToken' | 'signingSecret'>,
  env: NodeJS.ProcessEnv = process.env,
): SlackCredentials {
  const pick = (own: string | undefined, name: string) => own ?? (env[name] || undefined);
  return {
    botToken: pick(options.botToken, 'SLACK_BOT_TOKEN'),
    appToken: pick(options.appToken, 'SLACK_APP_TOKEN'),
    signingSecret: pick(options.signingSecret, 'SLACK_SIGNING_SECRET'),
  };
}

/** What an account still lacks to start in its mode (empty when it can start). */
export function missingCredentials(
  options: Pick<SlackOptions, 'mode' | 'botToken' | 'appToken' | 'signingSecret'>,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const credentials = slackCredentials(options, env);
  const missing: string[] = [];
  if (!credentials.botToken) missing.push('botToken');
  if (options.mode === 'socket' && !credentials.appToken) missing.push('appToken');
  if (options.mode === 'http' && !credentials.signingSecret) missing.push('signingSecret');
  return missing;
}
