/**
 * Running the session_end hooks when a session is reset. The reset happens in a turn's
 * prepare activity (`/new`, `/reset`, the daily or idle policy) or in the gateway
 * (`sessions.reset`); either starts the `sessionEndHooks` workflow, whose activity
 * (`plugins.sessionEnd`) runs the handlers with Temporal's retries. The workflow id is the
 * ended session's, so a repeated start (a retried activity) runs the hooks once.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { SessionEndReason } from './types.js';

/** The workflow type (workflows/session-end-hooks.ts). */
export const sessionEndWorkflowType = 'sessionEndHooks';

/** What the workflow and its activity are given: the event without the transcript. */
export interface SessionEndInput {
  sessionKey: string;
  sessionId: string;
  reason: SessionEndReason;
  endedAt: number;
}

/** Start the hooks of one ended session (once per session id). */
export async function startSessionEndHooks(
  client: Client,
  taskQueue: string,
  input: SessionEndInput,
): Promise<void> {
  try {
    await client.workflow.start(sessionEndWorkflowType, {
      workflowId: `session-end:${input.sessionId}`,
      taskQueue,
      args: [input],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
