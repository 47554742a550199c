/** Reaching optional dependencies from a handler, with one clear error when one is missing. */
import { ClawdbotError } from '../../core/errors.js';
import { normalizeSessionKey, type SessionStore } from '../../core/sessions/index.js';
import type { AgentService } from '../../core/agent/agent-service.js';
import type { RequestContext } from './types.js';

/** The agent runtime, or UNAVAILABLE (the gateway runs without a Temporal client). */
export function requireAgent(context: RequestContext): AgentService {
  const agent = context.gateway.deps.agent;
  if (agent === undefined) {
    throw new ClawdbotError('UNAVAILABLE', 'The agent runtime is not available on this gateway');
  }
  return agent;
}

/** The session store, or UNAVAILABLE. */
export function requireSessions(context: RequestContext): SessionStore {
  const sessions = context.gateway.deps.store;
  if (sessions === undefined) {
    throw new ClawdbotError('UNAVAILABLE', 'The session store is not available on this gateway');
  }
  return sessions;
}

/** The path of clawdbot.json, or UNAVAILABLE. */
export function requireConfigFile(context: RequestContext): string {
  const file = context.gateway.deps.paths?.configFile;
  if (file === undefined) {
    throw new ClawdbotError('UNAVAILABLE', 'This gateway has no config file to read or patch');
  }
  return file;
}

/** A client's session key as a full key (`main` → `agent:<default agent>:main`). */
export function sessionKeyOf(context: RequestContext, key: string): string {
  return normalizeSessionKey(key, context.gateway.config().agent.id);
}

/** Cancel a session's run before its transcript changes under it; best effort (Temporal may be down). */
export async function abortQuietly(context: RequestContext, sessionKey: string): Promise<void> {
  await context.gateway.deps.agent?.abort(sessionKey).catch(() => undefined);
}
