import { z } from 'zod';
import { channelAccountSchema } from '../shared/config.js';

/**
 * Discord's own options of one account, under `channels.discord` (the `default` account) or
 * `channels.discord.accounts.<id>`.
 */
export const discordOptionsShape = {
  token: z
    .string()
    .min(1)
    .optional()
    .describe('Bot token from the Developer Portal (Bot tab); DISCORD_BOT_TOKEN when unset'),
  apiBase: z
    .url()
    .optional()
    .describe(
      'API root without the version (default https://discord.com/api): REST calls and the ' +
        'gateway URL discovery (GET /gateway/bot) go there',
    ),
};

/** Discord's own options of one account, as parsed. */
export type DiscordOptions = z.infer<z.ZodObject<typeof discordOptionsShape>>;

/** One Discord account's strict schema: the options every channel shares plus Discord's own. */
export const discordAccountSchema = channelAccountSchema(discordOptionsShape);

/** One Discord account's options, as parsed. */
export type DiscordAccount = z.output<typeof discordAccountSchema>;

/** The account's token, else DISCORD_BOT_TOKEN, so a token need not sit in clawdbot.json. */
export function discordToken(
  options: Pick<DiscordOptions, 'token'>,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return options.token ?? (env.DISCORD_BOT_TOKEN || undefined);
}
