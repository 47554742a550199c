/**
 * The options every channel account shares, and how `channels.<id>` expands into accounts.
 * A channel's own schema is `channelAccountSchema({ botToken: ..., ... })`: the common
 * fields with their defaults plus the channel's, strict, so a typo in a key is an error
 * naming the field instead of a silently ignored setting.
 */
import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { toolPolicyLayerSchema } from '../../core/security/tool-policy.js';
import type { CommonAccountOptions } from '../types.js';

/** The account id of the top-level `channels.<id>` section. */
export const DEFAULT_ACCOUNT_ID = 'default';

/** A platform user or chat id; Telegram ids written as numbers are accepted as strings. */
export const platformIdSchema = z
  .union([z.string().trim().min(1), z.number().int()])
  .transform((id) => String(id));

/** The common fields with their defaults, to spread into a channel's strict object. */
export const commonAccountShape = {
  enabled: z.boolean().default(true).describe('Start this account with the gateway'),
  dmPolicy: z
    .enum(['pairing', 'allowlist', 'open', 'disabled'])
    .default('pairing')
    .describe('Who may message the bot directly; unknown senders get a pairing code by default'),
  allowFrom: z
    .array(platformIdSchema)
    .default([])
    .describe('User ids allowed in direct messages ("*" = anyone)'),
  groupPolicy: z
    .enum(['allowlist', 'open', 'disabled'])
    .default('allowlist')
    .describe('Which groups the bot answers in: listed ones (default), any, or none'),
  groupAllowFrom: z
    .array(platformIdSchema)
    .default([])
    .describe('User ids whose messages are answered in any group under groupPolicy allowlist'),
  groups: z
    .record(
      z.string(),
      z.strictObject({
        requireMention: z.boolean().optional(),
        enabled: z.boolean().optional(),
        allowFrom: z.array(platformIdSchema).optional(),
        tools: toolPolicyLayerSchema.optional(),
        toolsBySender: z.record(z.string(), toolPolicyLayerSchema).optional(),
      }),
    )
    .default({})
    .describe(
      'Per group or channel id (and "*" for all): requireMention, enabled, allowFrom, tools, toolsBySender',
    ),
  tools: toolPolicyLayerSchema.optional().describe('Tool policy layer for this channel'),
  toolsBySender: z
    .record(z.string(), toolPolicyLayerSchema)
    .optional()
    .describe('Tool policy layer per sender id, in direct messages'),
  actions: z
    .record(z.string(), z.boolean())
    .optional()
    .describe(
      'Action groups of the <channel>_actions tool and the message tool, on or off ' +
        '(e.g. {"moderation": true}); unset groups keep their defaults (most on, moderation off)',
    ),
  replyToMode: z
    .enum(['off', 'first', 'all'])
    .default('first')
    .describe('Which reply chunks quote the triggering message'),
  textChunkLimit: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("Characters per message (default: the platform's limit)"),
  mediaMaxMb: z.number().positive().default(20).describe('Largest inbound file downloaded, in MB'),
};

/** `dmPolicy: "open"` must say so in allowFrom too, as OpenClaw's schema demands. */
function openNeedsWildcard(
  // Loosely typed: the generic schema's output type is not known to be narrower here.
  account: { dmPolicy?: unknown; allowFrom?: unknown },
  context: z.RefinementCtx,
): void {
  const allowFrom = Array.isArray(account.allowFrom) ? (account.allowFrom as unknown[]) : [];
  if (account.dmPolicy === 'open' && !allowFrom.includes('*')) {
    context.addIssue({
      code: 'custom',
      path: ['allowFrom'],
      message: 'dmPolicy "open" requires allowFrom to contain "*" (anyone may message the bot)',
    });
  }
}

/** A channel account's strict schema: the common fields plus the channel's own. */
export function channelAccountSchema<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject({ ...commonAccountShape, ...shape }).superRefine(openNeedsWildcard);
}

/** The common fields alone (a channel without options of its own, and tests). */
export const commonAccountSchema = channelAccountSchema({});

/** One account of a channel, validated. */
export interface ChannelAccount<Account> {
  accountId: string;
  options: Account;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Expand `channels.<channelId>` into its accounts. Without `accounts` the section itself
 * is the one account `default`. With `accounts`, those are the accounts (one may be named
 * `default`), each inheriting the section's top-level values and overriding them key by
 * key, as OpenClaw does: one section for several bots of a platform, with the token (and
 * whatever differs) per account, and no accidental extra account polling a shared token.
 * Throws CONFIG_INVALID naming `channels.<id>[.accounts.<a>].<field>`.
 */
export function accountsOf<Account extends CommonAccountOptions>(
  section: unknown,
  channelSchema: z.ZodType<Account, unknown>,
  channelId: string,
): ChannelAccount<Account>[] {
  const base = `channels.${channelId}`;
  if (section === undefined || section === null) section = {};
  if (!isObject(section)) throw invalid(`${base}: expected an object`, base);
  const { accounts, ...top } = section;
  if (accounts !== undefined && !isObject(accounts)) {
    throw invalid(`${base}.accounts: expected an object of account ids`, `${base}.accounts`);
  }
  const entries: [string, Record<string, unknown> | undefined][] =
    accounts && Object.keys(accounts).length > 0
      ? Object.entries(accounts).map(([id, value]) => {
          if (!isObject(value)) {
            const at = `${base}.accounts.${id}`;
            throw invalid(`${at}: expected an object`, at);
          }
          return [id, value];
        })
      : [[DEFAULT_ACCOUNT_ID, undefined]];
  return entries.map(([accountId, own]) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(accountId)) {
      const at = `${base}.accounts.${accountId}`;
      throw invalid(`${at}: account ids are letters, digits, "_" and "-"`, at);
    }
    const result = channelSchema.safeParse({ ...top, ...own });
    if (result.success) return { accountId, options: result.data };
    const problems = result.error.issues.map((issue) => {
      // Name the field where the user wrote it: the account's own value or the inherited one.
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      return keys.map((key) => {
        const path = [...issue.path.map(String), ...(key === undefined ? [] : [key])];
        const first = path[0];
        const inAccount = own !== undefined && first !== undefined && first in own;
        const field = `${inAccount ? `${base}.accounts.${accountId}` : base}${path.length > 0 ? `.${path.join('.')}` : ''}`;
        const message = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message;
        return { field, message };
      });
    });
    const flat = problems.flat();
    const text = flat.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
    throw invalid(`Invalid channel config: ${text}`, flat[0]?.field ?? base, flat);
  });
}

function invalid(message: string, field: string, issues?: unknown): ClawdbotError {
  return new ClawdbotError('CONFIG_INVALID', message, { field, ...(issues ? { issues } : {}) });
}
