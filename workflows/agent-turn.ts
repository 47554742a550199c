import { setHandler, workflowInfo } from '@temporalio/workflow';
import { registerApprovals } from './approvals.js';
import { steerSignal } from './definitions.js';
import { runTurn } from './run-turn.js';
import type { InboundMessage, TurnInput, TurnResult } from './types.js';

/**
 * One agent turn as a workflow of its own: what sub-agents run (and sessions started
 * before turns ran inside the session workflow). Cancelling the workflow (chat.abort)
 * cancels the running activity and records the abort.
 */
export async function agentTurn(input: TurnInput): Promise<TurnResult> {
  const steered: InboundMessage[] = [];
  setHandler(steerSignal, (messages) => void steered.push(...messages));
  const turnId = workflowInfo().workflowId;
  const { result } = await runTurn(input, {
    turnId,
    steered,
    approvals: registerApprovals(),
    approvalPrefix: turnId,
    // Its histories record a turn.prepare local activity first: keep it so they replay.
    prepareInFirstCall: false,
    announceEnd: true,
  });
  return result;
}
