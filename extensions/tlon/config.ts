/**
 * `channels.tlon` (and each `channels.tlon.accounts.<id>`): the common account options plus
 * the ship's login and Tlon's own access rules, as OpenClaw has them: `dmAllowlist` (empty
 * = any ship may DM, then the common dmPolicy applies), and per group channel an
 * authorization rule (`restricted`, the default: only `allowedShips`, else
 * `defaultAuthorizedShips`, may talk to the bot there; `open`: anyone). Each channel in
 * `groupChannels` is added to `groups` (mention required unless that entry says otherwise).
 * `tlonOptionsSchema` alone is what the manifest declares.
 */
import { z } from 'zod';
import { channelAccountSchema } from '../../channels/shared/config.js';

/** A ship name with its sig (`~sampel-palnet`). */
export const shipName = (ship: string) => `~${ship.trim().replace(/^~/, '').toLowerCase()}`;

const ship = z
  .string()
  .trim()
  .regex(/^~?[a-z-]+$/, 'a ship name like ~sampel-palnet');
const nest = z
  .string()
  .trim()
  .regex(/^chat\/~[a-z-]+\/[\w.-]+$/, 'a chat channel like chat/~host-ship/channel-name');

const optionsShape = {
  ship: ship.optional().describe("The bot's ship (~sampel-palnet)"),
  url: z.string().url().optional().describe("The ship's web address (http://localhost:8080)"),
  code: z.string().trim().min(1).optional().describe("The ship's access code (+code in dojo)"),
  groupChannels: z
    .array(nest)
    .default([])
    .describe('Group chat channels to answer in, as chat/~host/name'),
  dmAllowlist: z
    .array(ship)
    .default([])
    .describe('Ships whose DMs reach the bot (empty: any ship, subject to dmPolicy)'),
  authorization: z
    .strictObject({
      channelRules: z
        .record(
          nest,
          z.strictObject({
            mode: z.enum(['restricted', 'open']).default('restricted'),
            allowedShips: z.array(ship).optional(),
          }),
        )
        .default({}),
    })
    .default({ channelRules: {} })
    .describe('Per group channel: who may talk to the bot there'),
  defaultAuthorizedShips: z
    .array(ship)
    .default([])
    .describe('Ships allowed in restricted channels whose rule names no ships'),
};

/** Tlon's own options (the manifest's channel schema). */
export const tlonOptionsSchema = z.strictObject(optionsShape);

/** One Tlon account's options, as validated (ship names with their sig, channels in groups). */
export const tlonAccountSchema = channelAccountSchema(optionsShape).transform((account) => {
  const groups = { ...account.groups };
  for (const channel of account.groupChannels) groups[channel] ??= {};
  return {
    ...account,
    ...(account.ship ? { ship: shipName(account.ship) } : {}),
    groups,
    dmAllowlist: account.dmAllowlist.map(shipName),
    defaultAuthorizedShips: account.defaultAuthorizedShips.map(shipName),
  };
});

/** A validated Tlon account. */
export type TlonAccount = z.infer<typeof tlonAccountSchema>;

/** Whether `sender` may DM the bot (OpenClaw: an empty allowlist lets everyone in). */
export function dmAllowed(account: TlonAccount, sender: string): boolean {
  return account.dmAllowlist.length === 0 || account.dmAllowlist.includes(sender);
}

/** Whether `sender` may talk to the bot in group channel `channel`. */
export function channelAllowed(account: TlonAccount, channel: string, sender: string): boolean {
  const rule = account.authorization.channelRules[channel];
  if (rule?.mode === 'open') return true;
  const allowed = (rule?.allowedShips ?? account.defaultAuthorizedShips).map(shipName);
  return allowed.includes(sender);
}
