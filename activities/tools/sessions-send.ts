import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ToolError, defineTool } from './tool.js';
import { sessionServices, targetSessionKey } from './session-tools-shared.js';

/** sessions_send: put a message into another session, optionally waiting for its reply. */
export const sessionsSendTool = defineTool({
  name: 'sessions_send',
  description:
    'Send a message into another session (it runs a turn there, as if a user had written it) and, by default, wait for and return that session’s reply.',
  inputSchema: z.object({
    sessionKey: z.string().min(1).describe('The session to send to, e.g. "agent:main:work"'),
    message: z.string().min(1).describe('The message text'),
    waitForReply: z
      .boolean()
      .default(true)
      .describe('Wait for the reply (true) or return once queued (false)'),
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(1800)
      .default(300)
      .describe('How long to wait for the reply'),
  }),
  // Sending is made idempotent by a message id derived from this tool call.
  policy: {
    startToCloseTimeoutMs: 31 * 60_000,
    maximumAttempts: 3,
    idempotent: true,
    heartbeatTimeoutMs: 15_000,
  },
  async execute(input, context) {
    const { agent } = sessionServices(context);
    const sessionKey = targetSessionKey(input.sessionKey, context);
    if (sessionKey === context.sessionKey) {
      throw new ToolError(
        'INVALID_ARGUMENTS',
        'sessions_send cannot target the current session: its reply would wait for this very turn.',
      );
    }
    const messageId = `${context.runId}:${context.toolCallId}`;
    const { runId } = await agent.send(sessionKey, {
      messageId,
      text: input.message,
      channel: 'agent',
      receivedAt: Date.now(),
    });
    if (!input.waitForReply)
      return { text: `Queued in ${sessionKey} (run ${runId}).`, details: { sessionKey, runId } };
    const deadline = Date.now() + input.timeoutSeconds * 1000;
    for (;;) {
      context.heartbeat();
      const outcome = await agent.wait(
        runId,
        Math.min(5000, Math.max(0, deadline - Date.now())),
        sessionKey,
      );
      if (outcome.status !== 'timeout') {
        const isError = outcome.status !== 'ok';
        const text = isError
          ? `The turn in ${sessionKey} ended with ${outcome.status}: ${outcome.errorMessage ?? ''}`
          : (outcome.text ?? '');
        return { text, isError, details: { sessionKey, runId, status: outcome.status } };
      }
      if (Date.now() >= deadline || context.signal.aborted) {
        return {
          text: `No reply from ${sessionKey} within ${input.timeoutSeconds} s (run ${runId} is still going).`,
          isError: true,
        };
      }
      await sleep(10);
    }
  },
});
