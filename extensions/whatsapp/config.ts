/**
 * `channels.whatsapp` (and each `channels.whatsapp.accounts.<id>`): the common account
 * options plus the WhatsApp Cloud API's own. The plugin manifest carries the JSON Schema of
 * `whatsappOptionsSchema`, so the loader validates config without running this code; a test
 * keeps the two equal.
 */
import { z } from 'zod';
import { channelAccountSchema } from '../../channels/shared/config.js';

/** Graph API version used unless `apiVersion` says otherwise. */
export const DEFAULT_API_VERSION = 'v23.0';

const httpUrl = z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s) URL');

/** WhatsApp's own options of one account (strict: a misspelt key is an error). */
export const whatsappOptionsShape = {
  accessToken: z
    .string()
    .min(1)
    .optional()
    .describe('System user access token with whatsapp_business_messaging (Meta Business settings)'),
  phoneNumberId: z
    .string()
    .regex(/^\d+$/, 'the numeric Phone number ID from the WhatsApp > API Setup page')
    .optional()
    .describe('Phone number ID the bot sends from (not the phone number itself)'),
  appSecret: z
    .string()
    .min(1)
    .optional()
    .describe(
      'App secret (App settings > Basic): checks X-Hub-Signature-256 of every webhook call',
    ),
  verifyToken: z
    .string()
    .min(1)
    .optional()
    .describe('Any string you choose; the same one goes in the webhook settings of the app'),
  apiBaseUrl: httpUrl
    .default('https://graph.facebook.com')
    .describe('Graph API server (a proxy, or a fake in tests)'),
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, 'a Graph API version such as v23.0')
    .default(DEFAULT_API_VERSION)
    .describe('Graph API version of every call'),
  webhookPath: z
    .string()
    .regex(/^\/\S*$/, 'a path starting with /')
    .default('/whatsapp/webhook')
    .describe("Path of the webhook on the gateway's port (its public URL goes in the app)"),
};

/** The channel-specific options alone, as the manifest's channelConfigSchemas declares them. */
export const whatsappOptionsSchema = z.strictObject(whatsappOptionsShape);

/** One WhatsApp account's options, common ones included. */
export const whatsappAccountSchema = channelAccountSchema(whatsappOptionsShape);

/** A validated WhatsApp account. */
export type WhatsAppAccount = z.infer<typeof whatsappAccountSchema>;

/** Everything an account needs before it can start. */
export function isWhatsAppConfigured(account: WhatsAppAccount): boolean {
  return Boolean(
    account.accessToken && account.phoneNumberId && account.appSecret && account.verifyToken,
  );
}
