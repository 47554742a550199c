/**
 * Nostr keys as users write them: a private key as `nsec1…` or 64 hex characters, a public
 * key as `npub1…` or hex. Everything inside the plugin uses lower-case hex public keys (the
 * wire format), so allowFrom entries and pairing ids compare equal however they were typed.
 */
import { decode } from 'nostr-tools/nip19';
import { getPublicKey } from 'nostr-tools/pure';

const HEX_KEY = /^[0-9a-f]{64}$/i;

/** The secret key bytes of an nsec or hex private key; throws naming the problem. */
export function parsePrivateKey(value: string): Uint8Array {
  const trimmed = value.trim();
  if (trimmed.startsWith('nsec1')) {
    const decoded = decode(trimmed);
    if (decoded.type !== 'nsec') throw new Error('privateKey: not an nsec key');
    return decoded.data;
  }
  if (!HEX_KEY.test(trimmed)) throw new Error('privateKey: expected nsec1… or 64 hex characters');
  return Uint8Array.from(Buffer.from(trimmed, 'hex'));
}

/** The hex public key of an npub or hex key; undefined when it is neither. */
export function toHexPublicKey(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed.startsWith('npub1')) {
    try {
      const decoded = decode(trimmed);
      return decoded.type === 'npub' ? decoded.data : undefined;
    } catch {
      return undefined;
    }
  }
  return HEX_KEY.test(trimmed) ? trimmed.toLowerCase() : undefined;
}

/** The hex public key of a private key. */
export function publicKeyOf(secretKey: Uint8Array): string {
  return getPublicKey(secretKey);
}
