/**
 * `channels.msteams` (and each `channels.msteams.accounts.<id>`): the common account options
 * plus the Bot Framework bot's own. The manifest carries the JSON Schema of
 * `msteamsOptionsSchema`, so the loader validates config without running this code; a test
 * keeps the two equal.
 */
import { z } from 'zod';
import { channelAccountSchema } from '../../channels/shared/config.js';

/** Where the Bot Framework publishes the keys that sign its requests to bots. */
export const BOT_FRAMEWORK_OPENID_METADATA =
  'https://login.botframework.com/v1/.well-known/openidconfiguration';

/** The issuer of every token the Bot Connector sends a bot. */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

/** The scope of the app token a bot sends replies with. */
export const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default';

/** The Entra ID token endpoint: the bot's tenant (single-tenant) or `botframework.com`. */
export function defaultTokenUrl(tenantId: string | undefined): string {
  return `https://login.microsoftonline.com/${encodeURIComponent(tenantId ?? 'botframework.com')}/oauth2/v2.0/token`;
}

const httpUrl = z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s) URL');

/** The bot's own options of one account (strict: a misspelt key is an error). */
export const msteamsOptionsShape = {
  appId: z
    .string()
    .min(1)
    .optional()
    .describe("The bot's Microsoft App ID (Azure Bot resource → Configuration)"),
  appPassword: z
    .string()
    .min(1)
    .optional()
    .describe("A client secret of the bot's app registration"),
  tenantId: z
    .string()
    .min(1)
    .optional()
    .describe('Directory (tenant) id of a single-tenant bot; unset for a multi-tenant bot'),
  webhook: z
    .strictObject({
      path: z
        .string()
        .regex(/^\/\S*$/, 'a path starting with /')
        .default('/api/messages')
        .describe("Path of the messaging endpoint on the gateway's port"),
    })
    .default({ path: '/api/messages' })
    .describe('The messaging endpoint'),
  replyStyle: z
    .enum(['thread', 'top-level'])
    .default('thread')
    .describe('In team channels: answer in the thread of the question, or as a new post'),
  openIdMetadataUrl: httpUrl
    .default(BOT_FRAMEWORK_OPENID_METADATA)
    .describe('OpenID metadata of the Bot Framework (the keys incoming requests are signed with)'),
  tokenUrl: httpUrl
    .optional()
    .describe("Token endpoint for the bot's app token (default: Entra ID for tenantId)"),
};

/** The channel-specific options alone, as the manifest's channelConfigSchemas declares them. */
export const msteamsOptionsSchema = z.strictObject(msteamsOptionsShape);

/** One Teams account's options, common ones included. */
export const msteamsAccountSchema = channelAccountSchema(msteamsOptionsShape);

/** A validated Teams account. */
export type MsTeamsAccount = z.infer<typeof msteamsAccountSchema>;

/** Everything an account needs before it can start. */
export function isMsTeamsConfigured(account: MsTeamsAccount): boolean {
  return Boolean(account.appId && account.appPassword);
}
