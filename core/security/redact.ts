/**
 * The redaction pass: every secret ClawdBot knows (API keys, tokens and passwords in
 * config, and environment variables named like secrets) is masked in tool output,
 * transcripts, the event stream and logs. By value, not by field name: a command that
 * prints an environment variable holding the key shows it masked too.
 */
import type { EventBus, RunEvent } from '../events/types.js';
import type { Logger } from '../logger.js';
import type { SessionStore } from '../sessions/index.js';

/** What a secret is replaced with. */
export const SECRET_MASK = '[REDACTED]';

/** Config keys whose string values are secrets. */
const SECRET_KEY = /token|password|secret|apikey|api_key|privatekey|credential/i;
/** Environment variables whose values are secrets. */
const SECRET_ENV = /(^|_)(API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_KEY|CREDENTIALS?)$/i;
/** Shorter values are too likely to be ordinary words to mask everywhere. */
const MIN_SECRET_LENGTH = 8;

/** Masks known secret values in text and in JSON-like values. */
export interface Redactor {
  redact(text: string): string;
  /** A copy of `value` with every string in it redacted (the same value when nothing changed). */
  redactDeep<T>(value: T): T;
}

function configSecrets(value: unknown, found: Set<string>, secretKey = false): void {
  if (typeof value === 'string') {
    if (secretKey && value.length >= MIN_SECRET_LENGTH) found.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) configSecrets(item, found, secretKey);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, item] of Object.entries(value)) configSecrets(item, found, SECRET_KEY.test(key));
}

/** The secret values in a config object and an environment. */
export function collectSecrets(config: unknown, env: NodeJS.ProcessEnv = process.env): string[] {
  const found = new Set<string>();
  configSecrets(config, found);
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH && SECRET_ENV.test(name))
      found.add(value);
  }
  // Longest first, so a secret containing another is masked whole.
  return [...found].sort((a, b) => b.length - a.length);
}

/** A redactor for `secrets` (see collectSecrets). */
export function createRedactor(secrets: readonly string[]): Redactor {
  const redact = (text: string): string => {
    let out = text;
    for (const secret of secrets)
      if (out.includes(secret)) out = out.split(secret).join(SECRET_MASK);
    return out;
  };
  const redactDeep = <T>(value: T): T => {
    if (typeof value === 'string') return redact(value) as T;
    if (Array.isArray(value)) {
      const items: unknown[] = value.map((item: unknown) => redactDeep(item));
      return (items.some((item, index) => item !== value[index]) ? items : value) as T;
    }
    if (typeof value !== 'object' || value === null) return value;
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const next: unknown = redactDeep(item);
      if (next !== item) changed = true;
      out[key] = next;
    }
    return (changed ? out : value) as T;
  };
  return { redact, redactDeep };
}

/** The bus, publishing every event redacted (text deltas, tool results, final messages). */
export function redactingBus(bus: EventBus, redactor: Redactor): EventBus {
  return {
    publish: (event: RunEvent) => bus.publish(redactor.redactDeep(event)),
    subscribe: (listener) => bus.subscribe(listener),
  };
}

/** The store, appending every transcript entry redacted. */
export function redactingStore(store: SessionStore, redactor: Redactor): SessionStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'append') {
        return (
          session: Parameters<SessionStore['append']>[0],
          entries: Parameters<SessionStore['append']>[1],
        ) => target.append(session, redactor.redactDeep(entries));
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function'
        ? (value as (...args: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

/** The logger, with messages and fields redacted. */
export function redactingLogger(logger: Logger, redactor: Redactor): Logger {
  const clean = (message: string, fields?: Record<string, unknown>) =>
    [redactor.redact(message), fields && redactor.redactDeep(fields)] as const;
  return {
    debug: (message, fields) => logger.debug(...clean(message, fields)),
    info: (message, fields) => logger.info(...clean(message, fields)),
    warn: (message, fields) => logger.warn(...clean(message, fields)),
    error: (message, fields) => logger.error(...clean(message, fields)),
    child: (name) => redactingLogger(logger.child(name), redactor),
  };
}
