import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { SessionEndInput } from '../core/plugins/session-end.js';

/**
 * The session_end plugin hooks of one reset session (`session-end:<sessionId>`), started
 * where the reset happened. Its own workflow, so the hooks' slow work (a summary to
 * memory) never holds up the turn that reset, and survives a worker's death.
 */
export async function sessionEndHooks(input: SessionEndInput): Promise<void> {
  const { 'plugins.sessionEnd': sessionEnd } = proxyActivities<Activities>({
    startToCloseTimeout: '5m',
    heartbeatTimeout: '60s',
    retry: { initialInterval: '2s', maximumInterval: '1m', maximumAttempts: 5 },
  });
  await sessionEnd(input);
}
