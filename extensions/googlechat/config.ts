/**
 * `channels.googlechat` (and each `channels.googlechat.accounts.<id>`): the common account
 * options plus the Google Chat app's own. The plugin manifest carries the JSON Schema of
 * `googlechatOptionsSchema`, so the loader validates config without running this code; a
 * test keeps the two equal.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { z } from 'zod';
import { channelAccountSchema } from '../../channels/shared/config.js';

/** Google's OAuth token endpoint (a service account key's usual `token_uri`). */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** The account Google Chat signs its requests as. */
export const CHAT_ISSUER = 'chat@system.gserviceaccount.com';

/** Where the keys of each kind of bearer token are published (x509 PEM per key id). */
export const DEFAULT_CERTS_URL = {
  'project-number': `https://www.googleapis.com/service_accounts/v1/metadata/x509/${CHAT_ISSUER}`,
  'app-url': 'https://www.googleapis.com/oauth2/v1/certs',
} as const;

const httpUrl = z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s) URL');

/** The fields of a service account key file the channel uses. */
const serviceAccountKeySchema = z.object({
  client_email: z.string().min(1).describe('The service account address'),
  private_key: z.string().min(1).describe('PEM private key of the service account'),
  private_key_id: z.string().optional().describe('Key id (sent as the JWT kid)'),
  token_uri: httpUrl.optional().describe('OAuth token endpoint of the key'),
});

/** A service account key (the JSON file Google Cloud gives), as far as it is used here. */
export type ServiceAccountKey = z.infer<typeof serviceAccountKeySchema>;

/** Google Chat's own options of one account (strict: a misspelt key is an error). */
export const googlechatOptionsShape = {
  serviceAccountFile: z
    .string()
    .min(1)
    .optional()
    .describe("Path of the Chat app's service account key (JSON) used to send replies"),
  serviceAccount: serviceAccountKeySchema
    .optional()
    .describe('The service account key inline, instead of serviceAccountFile'),
  audienceType: z
    .enum(['app-url', 'project-number'])
    .default('app-url')
    .describe('Authentication Audience chosen in the Chat API configuration page'),
  audience: z
    .string()
    .min(1)
    .optional()
    .describe('The HTTP endpoint URL (app-url) or the Cloud project number (project-number)'),
  webhookPath: z
    .string()
    .regex(/^\/\S*$/, 'a path starting with /')
    .default('/googlechat/webhook')
    .describe("Path of the webhook on the gateway's port (its public URL is the app URL)"),
  botUser: z
    .string()
    .regex(/^users\/\S+$/, 'the app user resource name, users/<id>')
    .optional()
    .describe("The app's own user (users/<id>): only mentions of it count in spaces"),
  apiBaseUrl: httpUrl.default('https://chat.googleapis.com').describe('Chat API server'),
  tokenUrl: httpUrl
    .optional()
    .describe("OAuth token endpoint (default: the key's token_uri, else Google's)"),
  certsUrl: httpUrl
    .optional()
    .describe(
      'Where the keys that sign incoming requests are published (default per audienceType)',
    ),
};

/** The channel-specific options alone, as the manifest's channelConfigSchemas declares them. */
export const googlechatOptionsSchema = z.strictObject(googlechatOptionsShape);

/** One Google Chat account's options, common ones included. */
export const googlechatAccountSchema = channelAccountSchema(googlechatOptionsShape);

/** A validated Google Chat account. */
export type GoogleChatAccount = z.infer<typeof googlechatAccountSchema>;

/** Everything an account needs before it can start. */
export function isGoogleChatConfigured(account: GoogleChatAccount): boolean {
  return Boolean((account.serviceAccount ?? account.serviceAccountFile) && account.audience);
}

/** The service account key: inline, or read from its file. */
export async function loadServiceAccount(account: GoogleChatAccount): Promise<ServiceAccountKey> {
  if (account.serviceAccount) return account.serviceAccount;
  if (!account.serviceAccountFile) {
    throw new Error('Google Chat needs serviceAccountFile or serviceAccount to send replies');
  }
  // `~/` as users write it in config (the shell is not there to expand it).
  const path = account.serviceAccountFile.replace(/^~(?=\/)/, homedir());
  const text = await readFile(path, 'utf8');
  const parsed = serviceAccountKeySchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `${account.serviceAccountFile} is not a service account key: ${parsed.error.issues
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}
