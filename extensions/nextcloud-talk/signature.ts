/**
 * Talk's bot signature, both directions: hex HMAC-SHA256 keyed with the shared secret over
 * the random header value followed by the signed text (the request body inbound, the
 * message text outbound), as Talk's bot documentation specifies.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** hex HMAC-SHA256(secret, random + text). */
export function talkSignature(secret: string, random: string, text: string | Buffer): string {
  return createHmac('sha256', secret).update(random).update(text).digest('hex');
}

/** Whether a signature header matches, compared in constant time. */
export function verifyTalkSignature(
  secret: string,
  random: string,
  body: Buffer,
  signature: string,
): boolean {
  const expected = Buffer.from(talkSignature(secret, random, body), 'hex');
  const given = Buffer.from(signature.toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A fresh random value: 64 hex characters, like `openssl rand -hex 32` in Talk's example. */
export function talkRandom(): string {
  return randomBytes(32).toString('hex');
}
