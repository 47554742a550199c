import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { hostUnreachableText, toolActivity } from './tool-proxy.js';
import type { ToolInvokeInput, ToolInvokeResult } from './types.js';

const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '200ms', maximumAttempts: 10 },
});

/**
 * One tool run outside a conversation (POST /tools/invoke): the same activity, timeout
 * and retry policy as inside a turn, visible in the Temporal UI like any other run.
 */
export async function toolInvoke(input: ToolInvokeInput): Promise<ToolInvokeResult> {
  const prepared = await bookkeeping['tools.policies']({ sessionKey: input.sessionKey });
  const policy = prepared.tools[input.tool];
  if (!policy) return { found: false, tools: Object.keys(prepared.tools) };
  try {
    const output = await toolActivity(
      input.tool,
      policy,
    )({
      sessionKey: input.sessionKey,
      sessionId: prepared.sessionId,
      runId: input.invocationId,
      turnId: workflowInfo().workflowId,
      step: 1,
      toolCallId: input.invocationId,
      name: input.tool,
      args: input.args,
      direct: true,
      ...(prepared.access ? { access: prepared.access } : {}),
    });
    return { found: true, ...output };
  } catch (error) {
    // The session's workspace host is down: an answer the caller can act on, not a 500.
    const text = hostUnreachableText(error, input.tool, prepared.host, policy);
    if (text === undefined) throw error;
    return { found: true, isError: true, text };
  }
}
