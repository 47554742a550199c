/**
 * The config as clients see and edit it: secrets redacted on the way out, JSON merge
 * patches (RFC 7396) on the way in, and a hash of the file so a client can say which
 * version its patch was made against.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

type Json = Record<string, unknown>;

/** What replaces a secret in everything the gateway sends; sent back, it means "unchanged". */
export const REDACTED = '__CLAWDBOT_REDACTED__';

const SECRET_KEY = /token|password|secret|apikey/i;

/** Whether a config key holds a secret (its string values are redacted; UIs mask them). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy with every secret-looking string value replaced by REDACTED. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (!isPlainObject(value)) return value;
  const out: Json = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && typeof item === 'string' ? REDACTED : redactSecrets(item);
  }
  return out;
}

/** Apply a JSON merge patch: objects merge, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Json = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/**
 * Put back the secrets a client echoed as REDACTED (a UI round-trips what config.get
 * gave it); a REDACTED value with no secret behind it is dropped.
 */
export function restoreRedacted(next: unknown, previous: unknown): unknown {
  if (Array.isArray(next))
    return next.map((item, index) =>
      restoreRedacted(item, (previous as unknown[] | undefined)?.[index]),
    );
  if (!isPlainObject(next)) return next;
  const out: Json = {};
  for (const [key, value] of Object.entries(next)) {
    const before = isPlainObject(previous) ? previous[key] : undefined;
    if (value === REDACTED) {
      if (before !== undefined) out[key] = before;
    } else {
      out[key] = restoreRedacted(value, before);
    }
  }
  return out;
}

/** The config file's bytes as text (undefined when absent) and their sha256. */
export function readConfigText(file: string): { text: string | undefined; hash: string } {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return {
    text,
    hash: createHash('sha256')
      .update(text ?? '')
      .digest('hex'),
  };
}
