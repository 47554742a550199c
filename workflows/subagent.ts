import {
  CancellationScope,
  executeChild,
  isCancellation,
  proxyActivities,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { agentTurn } from './agent-turn.js';
import { turnWorkflowId } from './definitions.js';
import { runIdAttribute, sessionKeyAttribute } from './search-attributes.js';
import type { SubagentInput, TurnResult } from './types.js';

const { 'sessions.deliver': deliver } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

/**
 * A sub-agent spawned by sessions_spawn: runs its task as a turn in its own session, then
 * delivers the result to the session that spawned it as a message. Cancelling it (stop)
 * cancels the turn and reports that instead.
 */
export async function subagent(input: SubagentInput): Promise<TurnResult> {
  let result: TurnResult;
  try {
    result = await executeChild(agentTurn, {
      workflowId: turnWorkflowId(input.sessionKey, input.runId),
      args: [
        {
          sessionKey: input.sessionKey,
          runId: input.runId,
          settings: input.settings,
          ...(input.host !== undefined ? { host: input.host } : {}),
          messages: [
            {
              messageId: input.runId,
              text: input.task,
              channel: 'subagent',
              receivedAt: Date.now(),
            },
          ],
        },
      ],
      typedSearchAttributes: [
        { key: sessionKeyAttribute, value: input.sessionKey },
        { key: runIdAttribute, value: input.runId },
      ],
    });
  } catch (error) {
    const status = isCancellation(error) ? 'aborted' : 'error';
    result = {
      runId: input.runId,
      status,
      text: '',
      steps: 0,
      usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0 },
      errorMessage: error instanceof Error ? error.message : String(error),
    };
  }
  const name = input.label ? `"${input.label}"` : input.sessionKey;
  const text =
    result.status === 'ok'
      ? `[Sub-agent ${name} finished]\n\n${result.text}`
      : `[Sub-agent ${name} ${result.status === 'aborted' ? 'was stopped' : `failed: ${result.errorMessage ?? 'unknown error'}`}]`;
  await CancellationScope.nonCancellable(() =>
    deliver({
      sessionKey: input.parentSessionKey,
      messageId: `subagent-result:${input.runId}`,
      text,
      channel: 'subagent',
    }),
  );
  return result;
}
