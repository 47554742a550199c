import { TimeoutType } from '@temporalio/common';
import {
  ActivityFailure,
  isCancellation,
  proxyActivities,
  TimeoutFailure,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { NodesToolRequest } from '../activities/tools/nodes.js';
import type { NodeActivities, NodesCallInput } from '../gateway/nodes/nodes-activity.js';
import type { WorkflowToolContext } from './workflow-tools.js';

/** How long a node call waits for the gateway to pick it up before the model is told. */
const GATEWAY_PICKUP_MS = 30_000;

function callOnGateway(): NodeActivities['nodes.call'] {
  // The gateway's queue (nodesTaskQueue in gateway/nodes): the node sockets live there.
  const { 'nodes.call': call } = proxyActivities<NodeActivities>({
    taskQueue: `${workflowInfo().taskQueue}@gateway`,
    scheduleToStartTimeout: GATEWAY_PICKUP_MS,
    startToCloseTimeout: '70m',
    heartbeatTimeout: '30s',
    // A node command is never repeated blindly: one attempt, its failure goes to the model.
    retry: { maximumAttempts: 1 },
  });
  return call;
}

function failureText(error: unknown): string {
  if (error instanceof ActivityFailure) {
    const cause = error.cause;
    if (cause instanceof TimeoutFailure && cause.timeoutType === TimeoutType.SCHEDULE_TO_START)
      return `The gateway (which holds the node connections) did not pick up the call within ${GATEWAY_PICKUP_MS / 1000} s; it was not run.`;
    if (cause instanceof TimeoutFailure)
      return 'The gateway stopped answering while the node call ran (it may have restarted); the call was not retried.';
    return cause?.message ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * nodes: each node call is the gateway's `nodes.call` activity. A `run` the node will not
 * take without the owner's say waits here, durably, in the turn's approval book (as
 * approvals of bash do), then goes to the same node again marked approved.
 */
export async function nodesTool(
  args: Record<string, unknown>,
  context: WorkflowToolContext,
): Promise<{ text: string; isError: boolean }> {
  const request = args.request as NodesToolRequest;
  const call = callOnGateway();
  // uuid4() is replay-safe: a replayed turn uses the same key.
  const input: NodesCallInput = { request, approved: false, idempotencyKey: uuid4() };
  try {
    const first = await call(input);
    if (first.approvalRequired === undefined || request.action !== 'run')
      return { text: first.text, isError: first.isError };
    const { nodeId, command } = first.approvalRequired;
    if (context.approve === undefined)
      return {
        text: `${first.text}. No one can approve it from here; it was not run.`,
        isError: true,
      };
    const decision = await context.approve();
    if (decision.decision === 'deny') {
      return {
        text: `The owner did not approve running "${command.join(' ')}" on node ${nodeId}${decision.reason ? ` (${decision.reason})` : ''}. It was not run.`,
        isError: true,
      };
    }
    const second = await call({
      ...input,
      request: { ...request, node: nodeId },
      approved: true,
    });
    return { text: second.text, isError: second.isError };
  } catch (error) {
    if (isCancellation(error)) throw error;
    return { text: `nodes ${request.action} failed: ${failureText(error)}`, isError: true };
  }
}
