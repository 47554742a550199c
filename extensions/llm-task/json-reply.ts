/**
 * Checking one model reply against the caller's JSON Schema. The verdict's `problem` is
 * written for the model: it is what the next attempt is told.
 */
import { z } from 'zod';

/** A reply that parsed and matched, or what was wrong with it. */
export type ReplyVerdict = { ok: true; value: unknown } | { ok: false; problem: string };

/** The caller's schema as a zod validator; throws with zod's reason when it cannot convert it. */
export function schemaValidator(schema: Record<string, unknown>): z.ZodType {
  return z.fromJSONSchema(schema);
}

/**
 * The JSON in a reply. Models asked for JSON only still wrap it in a Markdown fence now and
 * then; a fenced reply is taken as meant, anything else around the JSON is not.
 */
function jsonText(reply: string): string {
  const trimmed = reply.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(trimmed);
  return fenced ? fenced[1]!.trim() : trimmed;
}

/** Parse and validate one reply. */
export function checkReply(reply: string, validator: z.ZodType): ReplyVerdict {
  const text = jsonText(reply);
  if (text === '') return { ok: false, problem: 'the reply was empty' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `the reply is not JSON (${(error as Error).message})` };
  }
  const checked = validator.safeParse(value);
  if (checked.success) return { ok: true, value: checked.data };
  const issues = checked.error.issues
    .slice(0, 10)
    .map((issue) => `- ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  return { ok: false, problem: `the JSON does not match the schema:\n${issues.join('\n')}` };
}
