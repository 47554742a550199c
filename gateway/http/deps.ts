/** What the HTTP API routes need from the gateway. */
import type { Config } from '../../core/config/schema.js';
import { ClawdbotError } from '../../core/errors.js';
import type { EventBus } from '../../core/events/types.js';
import type { Logger } from '../../core/logger.js';
import type { AgentService } from '../../core/agent/agent-service.js';

/** Dependencies of the HTTP API. */
export interface HttpDeps {
  /** The current config (config.patch may replace it, auth included). */
  config: () => Config;
  agent: AgentService | undefined;
  bus: EventBus | undefined;
  logger: Logger;
  /** When the gateway started (the `created` of listed models). */
  startedAt: number;
}

/** The agent runtime, or UNAVAILABLE. */
export function requireAgent(deps: HttpDeps): AgentService {
  if (deps.agent === undefined) {
    throw new ClawdbotError('UNAVAILABLE', 'The agent runtime is not available on this gateway');
  }
  return deps.agent;
}

/** The event bus, or UNAVAILABLE (streaming needs it). */
export function requireBus(deps: HttpDeps): EventBus {
  if (deps.bus === undefined) {
    throw new ClawdbotError(
      'UNAVAILABLE',
      'Streaming is not available: this gateway has no event bus',
    );
  }
  return deps.bus;
}
