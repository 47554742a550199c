/**
 * `channels.nostr` (and each `channels.nostr.accounts.<id>`): the common account options
 * plus the bot's key, its relays and the profile it publishes. allowFrom (and
 * groupAllowFrom) entries written as npub are turned into hex here, the form the channel
 * reports senders in. `nostrOptionsSchema` alone is what the manifest declares.
 */
import { z } from 'zod';
import { channelAccountSchema } from '../../channels/shared/config.js';
import { toHexPublicKey } from './keys.js';

const profileSchema = z
  .strictObject({
    name: z.string().optional().describe('Short name'),
    display_name: z.string().optional().describe('Display name'),
    about: z.string().optional().describe('Description shown on the profile'),
    picture: z.string().url().optional().describe('Avatar URL'),
    banner: z.string().url().optional().describe('Banner URL'),
    website: z.string().url().optional().describe('Web site'),
    nip05: z.string().optional().describe('NIP-05 identifier (name@domain)'),
    lud16: z.string().optional().describe('Lightning address'),
  })
  .describe('Profile (kind 0 metadata) published to every relay when the account starts');

const optionsShape = {
  privateKey: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe("The bot's private key: nsec1… or 64 hex characters"),
  relays: z
    .array(z.string().regex(/^wss?:\/\//, 'a relay URL starts with ws:// or wss://'))
    .min(1)
    .default(['wss://relay.damus.io', 'wss://nos.lol'])
    .describe('Relays read from and published to (every reply goes to all of them)'),
  profile: profileSchema.optional(),
  defaultProtocol: z
    .enum(['nip17', 'nip04'])
    .default('nip17')
    .describe(
      'How to message a peer who has not written yet: NIP-17 private DMs or legacy NIP-04 (a ' +
        'reply always uses the protocol the peer used)',
    ),
};

/** Nostr's own options (the manifest's channel schema). */
export const nostrOptionsSchema = z.strictObject(optionsShape);

const hexIds = (ids: string[]) => ids.map((id) => (id === '*' ? id : (toHexPublicKey(id) ?? id)));

/** One Nostr account's options, as validated (npub entries of allow lists made hex). */
export const nostrAccountSchema = channelAccountSchema(optionsShape).transform((account) => ({
  ...account,
  allowFrom: hexIds(account.allowFrom),
  groupAllowFrom: hexIds(account.groupAllowFrom),
}));

/** A validated Nostr account. */
export type NostrAccount = z.infer<typeof nostrAccountSchema>;

/** The profile fields. */
export type NostrProfile = z.infer<typeof profileSchema>;
