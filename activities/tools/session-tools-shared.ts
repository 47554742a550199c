import { normalizeSessionKey } from '../../core/sessions/index.js';
import { ToolError, type SessionServices, type ToolContext } from './tool.js';

/** The session services, or an error saying this worker was started without them. */
export function sessionServices(context: ToolContext): SessionServices {
  if (!context.sessions)
    throw new ToolError('UNAVAILABLE', 'Session tools are not available in this worker.');
  return context.sessions;
}

/** A session key as the model may write it (`main`, or a full `agent:main:...` key). */
export function targetSessionKey(key: string): string {
  try {
    return normalizeSessionKey(key);
  } catch (error) {
    throw new ToolError(
      'INVALID_ARGUMENTS',
      `Invalid session key "${key}": ${(error as Error).message}`,
    );
  }
}
