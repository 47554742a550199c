import { normalizeSessionKey, parseSessionKey } from '../../core/sessions/index.js';
import { ToolError, type SessionServices, type ToolContext } from './tool.js';

/** The session services, or an error saying this worker was started without them. */
export function sessionServices(context: ToolContext): SessionServices {
  if (!context.sessions)
    throw new ToolError('UNAVAILABLE', 'Session tools are not available in this worker.');
  return context.sessions;
}

/**
 * Whether the calling session may reach `sessionKey` under its visibility (decided at the
 * turn's start: `own` for sessions that are not the owner's, tools.sessions.visibility else).
 */
export function sessionVisible(context: ToolContext, sessionKey: string): boolean {
  const visibility = context.access?.visibility ?? 'all';
  switch (visibility) {
    case 'all':
      return true;
    case 'own':
      return sessionKey === context.sessionKey;
    case 'agent':
      try {
        return parseSessionKey(sessionKey).agentId === parseSessionKey(context.sessionKey).agentId;
      } catch {
        return false;
      }
  }
}

/**
 * A session key as the model may write it (`main`, or a full `agent:main:...` key), once
 * checked against what this session may reach.
 */
export function targetSessionKey(key: string, context: ToolContext): string {
  let sessionKey: string;
  try {
    sessionKey = normalizeSessionKey(key);
  } catch (error) {
    throw new ToolError(
      'INVALID_ARGUMENTS',
      `Invalid session key "${key}": ${(error as Error).message}`,
    );
  }
  if (!sessionVisible(context, sessionKey)) {
    throw new ToolError(
      'SESSION_NOT_VISIBLE',
      `Session ${sessionKey} is out of reach from this session (sessions visibility ` +
        `"${context.access?.visibility ?? 'all'}"). Nothing was read or sent.`,
      { sessionKey },
    );
  }
  return sessionKey;
}
