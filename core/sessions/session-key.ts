/**
 * Session keys (`agent:<agentId>:<rest>`, e.g. `agent:main:telegram:dm:123`) name a
 * conversation; session ids (UUIDs) name one transcript of it. A key keeps its id until
 * `sessions.reset` gives it a new one.
 */
import { randomUUID } from 'node:crypto';
import { ClawdbotError } from '../errors.js';

/** Longest accepted session key, in UTF-16 code units. */
export const SESSION_KEY_MAX_LENGTH = 256;

/** The agent a bare key (`main`, `telegram:dm:1`) belongs to unless told otherwise. */
export const DEFAULT_AGENT_ID = 'main';

/** The parts of `agent:<agentId>:<rest>`; `rest` may itself contain colons. */
export interface ParsedSessionKey {
  agentId: string;
  rest: string;
}

const PREFIX = 'agent:';
// C0, DEL and C1 controls: they break logs, terminals and line-based files.
const CONTROL = /\p{Cc}/u;
// Session ids become directory names under sessions/, so only a conservative alphabet
// is accepted (UUIDs from randomUUID and OpenClaw both fit), minus the names of the
// store's own folders there.
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const RESERVED_SESSION_IDS = new Set(['index', 'deleted']);

function invalidKey(key: string, reason: string): ClawdbotError {
  return new ClawdbotError('INVALID_REQUEST', `Invalid session key: ${reason}`, {
    sessionKey: key.slice(0, SESSION_KEY_MAX_LENGTH),
    reason,
  });
}

/** Why `key` is not a valid session key, or undefined when it is. */
export function sessionKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'empty';
  if (key.length > SESSION_KEY_MAX_LENGTH)
    return `longer than ${SESSION_KEY_MAX_LENGTH} characters`;
  if (CONTROL.test(key)) return 'contains control characters';
  if (!key.startsWith(PREFIX)) return `must start with "${PREFIX}"`;
  const separator = key.indexOf(':', PREFIX.length);
  if (separator === -1) return 'missing ":<rest>" after the agent id';
  if (separator === PREFIX.length) return 'empty agent id';
  if (separator === key.length - 1) return 'empty rest after the agent id';
  return undefined;
}

/** Whether `key` is a valid `agent:<agentId>:<rest>` key. */
export function isValidSessionKey(key: string): boolean {
  return sessionKeyProblem(key) === undefined;
}

/** Split a session key into agent id and rest; throws INVALID_REQUEST if it is invalid. */
export function parseSessionKey(key: string): ParsedSessionKey {
  const problem = sessionKeyProblem(key);
  if (problem !== undefined) throw invalidKey(key, problem);
  const separator = key.indexOf(':', PREFIX.length);
  return { agentId: key.slice(PREFIX.length, separator), rest: key.slice(separator + 1) };
}

/** Throw INVALID_REQUEST unless `key` is a valid session key; returns it for chaining. */
export function assertValidSessionKey(key: string): string {
  parseSessionKey(key);
  return key;
}

/** Build `agent:<agentId>:<part>:<part>...` and validate it. */
export function buildSessionKey(agentId: string, ...parts: [string, ...string[]]): string {
  if (agentId.includes(':')) throw invalidKey(agentId, 'agent id contains ":"');
  return assertValidSessionKey(`${PREFIX}${agentId}:${parts.join(':')}`);
}

/**
 * Turn what a client sent into a full key: `main` → `agent:main:main`,
 * `telegram:dm:1` → `agent:main:telegram:dm:1`; full keys pass through. Surrounding
 * whitespace is trimmed; case is kept, because platform ids (Slack's) are case-sensitive.
 */
export function normalizeSessionKey(key: string, agentId: string = DEFAULT_AGENT_ID): string {
  const trimmed = key.trim();
  if (trimmed.startsWith(PREFIX)) return assertValidSessionKey(trimmed);
  if (trimmed === '') throw invalidKey(key, 'empty');
  return buildSessionKey(agentId, trimmed);
}

/** A fresh session id (a random UUID). */
export function newSessionId(): string {
  return randomUUID();
}

/** Whether `id` can be a session id (it is used as a directory name). */
export function isValidSessionId(id: string): boolean {
  return SESSION_ID.test(id) && !RESERVED_SESSION_IDS.has(id.toLowerCase());
}

/** Throw INVALID_REQUEST unless `id` is a usable session id; returns it for chaining. */
export function assertValidSessionId(id: string): string {
  if (!isValidSessionId(id)) {
    throw new ClawdbotError('INVALID_REQUEST', 'Invalid session id', {
      sessionId: id.slice(0, 128),
    });
  }
  return id;
}
