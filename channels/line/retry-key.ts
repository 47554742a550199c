/**
 * LINE's `X-Line-Retry-Key` must be a UUID; a push retried with the same key is accepted
 * once (a repeat gets 409). Derived from the delivery id, so every retry of one chunk —
 * from any process — carries the same key.
 */
import { createHash } from 'node:crypto';

/** A name-based UUID (version 5 layout over SHA-256) for a delivery id. */
export function retryKeyOf(deliveryId: string): string {
  const bytes = createHash('sha256').update(`clawdbot-line:${deliveryId}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
