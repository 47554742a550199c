import type { WorkflowHandle } from '@temporalio/client';
import type { AgentHarness } from '../helpers/agent-harness.js';
import { echoReply, type RecordedRequest, type ScriptStep } from '../fakes/llm-server.js';

/** Summary requests start with these words (activities/summarize.ts). */
export const summaryMarker = 'Conversation to summarise';

/** The fake's reply: a short numbered summary for summary requests, else the echo reply. */
export function summarizingReply(): (request: RecordedRequest) => ScriptStep {
  let count = 0;
  return (request) =>
    request.userText.startsWith(summaryMarker)
      ? { kind: 'text', text: `SUMMARY-${++count}: the user talked about many numbered turns.` }
      : echoReply(request);
}

/** Send a message and wait for its turn to end. */
export async function turn(harness: AgentHarness, sessionKey: string, text: string) {
  const runId = await harness.send(sessionKey, text);
  return { runId, outcome: await harness.wait(runId, sessionKey, 120_000) };
}

/** The workflow execution that ran a turn (a run of its session), found by its run id. */
export async function turnHandle(
  harness: AgentHarness,
  sessionKey: string,
  runId: string,
): Promise<WorkflowHandle> {
  const query = `ClawdbotRunId = '${runId}' AND ClawdbotSessionKey = '${sessionKey}'`;
  for (let attempt = 0; attempt < 100; attempt++) {
    for await (const execution of harness.client.workflow.list({ query }))
      return harness.client.workflow.getHandle(execution.workflowId, execution.runId);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no workflow execution ran ${runId}`);
}

/** Names of the activities a workflow execution scheduled, in order. */
export async function scheduledActivities(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const name = event.activityTaskScheduledEventAttributes?.activityType?.name;
    return name ? [name] : [];
  });
}
