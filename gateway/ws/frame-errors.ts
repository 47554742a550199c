/** Small helpers for answering bad frames. */
import type { z } from 'zod';

/** A frame's `id` if it is one we can echo (a non-empty string of sane length). */
export function usableId(parsed: unknown): string | undefined {
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const id = (parsed as { id?: unknown }).id;
  return typeof id === 'string' && id.length > 0 && id.length <= 256 ? id : undefined;
}

/** Zod issues as plain, bounded JSON for `error.details`. */
export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** A close reason that fits the 123 bytes a WebSocket close frame allows. */
export function closeReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return reason;
}
