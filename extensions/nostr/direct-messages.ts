/**
 * The two ways a direct message travels over Nostr, both ways:
 *  - NIP-04: a kind 4 event whose content is AES-CBC encrypted to the peer (`p` tag). The
 *    relay sees who talks to whom and when.
 *  - NIP-17: a kind 14 rumor (unsigned), sealed (kind 13, NIP-44 encrypted, signed by the
 *    author) and gift-wrapped (kind 1059, NIP-44 encrypted to the recipient by a one-time
 *    key, timestamp blurred). The relay sees only the recipient.
 * A message is named by the id of the event the author made: the kind 4 event's id, or the
 * rumor's id (several wraps of one rumor are one message).
 */
import type { Event as NostrEvent } from 'nostr-tools/core';
import * as nip04 from 'nostr-tools/nip04';
import * as nip17 from 'nostr-tools/nip17';
import { finalizeEvent } from 'nostr-tools/pure';

/** Which protocol a DM used. */
export type DmProtocol = 'nip04' | 'nip17';

/** The event kinds the channel subscribes to. */
export const DM_KINDS = { nip04: 4, giftWrap: 1059, rumor: 14 } as const;

/** One decrypted inbound DM. */
export interface DecodedDm {
  protocol: DmProtocol;
  /** The author's hex public key. */
  sender: string;
  text: string;
  /** The author's event id (kind 4 id or rumor id). */
  messageId: string;
  /** When the author wrote it (seconds). */
  createdAt: number;
  /** The message it replies to (`e` tag), if any. */
  replyTo?: string;
}

function replyTag(tags: string[][]): string | undefined {
  const reply =
    tags.find((tag) => tag[0] === 'e' && tag[3] === 'reply') ?? tags.find((tag) => tag[0] === 'e');
  return reply?.[1];
}

/**
 * Decrypt an event addressed to us; undefined for what is not a DM to us (other kinds, a
 * rumor of another kind, a wrap we cannot open). Throws nothing: a relay may carry junk.
 */
export function decodeDm(
  event: NostrEvent,
  secretKey: Uint8Array,
  ownPublicKey: string,
): DecodedDm | undefined {
  try {
    if (event.kind === DM_KINDS.nip04) {
      if (!event.tags.some((tag) => tag[0] === 'p' && tag[1] === ownPublicKey)) return undefined;
      const text = nip04.decrypt(secretKey, event.pubkey, event.content);
      const replyTo = replyTag(event.tags);
      return {
        protocol: 'nip04',
        sender: event.pubkey,
        text,
        messageId: event.id,
        createdAt: event.created_at,
        ...(replyTo ? { replyTo } : {}),
      };
    }
    if (event.kind === DM_KINDS.giftWrap) {
      const rumor = nip17.unwrapEvent(event, secretKey);
      if (rumor.kind !== DM_KINDS.rumor) return undefined;
      const replyTo = replyTag(rumor.tags);
      return {
        protocol: 'nip17',
        sender: rumor.pubkey,
        text: rumor.content,
        messageId: rumor.id,
        createdAt: rumor.created_at,
        ...(replyTo ? { replyTo } : {}),
      };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * The signed event(s) that carry `text` to `peer` in `protocol`: one kind 4 event, or one
 * gift wrap. Encryption is randomized, so the caller keeps what it built for a delivery id
 * and republishes that on a retry (relays drop an event id they already have).
 */
export function encodeDm(options: {
  protocol: DmProtocol;
  secretKey: Uint8Array;
  peer: string;
  text: string;
  replyTo?: string;
}): { event: NostrEvent; messageId: string } {
  const { protocol, secretKey, peer, text, replyTo } = options;
  if (protocol === 'nip04') {
    const event = finalizeEvent(
      {
        kind: DM_KINDS.nip04,
        created_at: Math.floor(Date.now() / 1000),
        tags: [['p', peer], ...(replyTo ? [['e', replyTo, '', 'reply']] : [])],
        content: nip04.encrypt(secretKey, peer, text),
      },
      secretKey,
    );
    return { event, messageId: event.id };
  }
  const wrap = nip17.wrapEvent(
    secretKey,
    { publicKey: peer },
    text,
    undefined,
    replyTo ? { eventId: replyTo } : undefined,
  );
  return { event: wrap, messageId: wrap.id };
}
