import { startChild, uuid4 } from '@temporalio/workflow';
import { agentIdAttribute, parentSessionKeyAttribute, sessionKeyAttribute } from './search-attributes.js';
import { subagent } from './subagent.js';
import type { TurnRef, TurnSettings } from './types.js';

/** What a workflow tool knows about the call. */
export interface WorkflowToolContext {
  ref: TurnRef;
  settings: TurnSettings;
}

/** A tool whose effect is a workflow of its own, run by the turn workflow itself. */
export type WorkflowTool = (args: Record<string, unknown>, context: WorkflowToolContext) => Promise<{ text: string; isError: boolean }>;

/** sessions_spawn: a sub-agent session as a child workflow that outlives this turn. */
async function sessionsSpawn(args: Record<string, unknown>, { ref, settings }: WorkflowToolContext) {
  const task = String(args.task);
  const label = typeof args.label === 'string' ? args.label : undefined;
  const id = uuid4();
  const sessionKey = `agent:${settings.agentId}:subagent:${id}`;
  const workflowId = `subagent:${sessionKey}`;
  await startChild(subagent, {
    workflowId,
    args: [{ parentSessionKey: ref.sessionKey, sessionKey, runId: id, task, ...(label ? { label } : {}), settings: { ...settings, queueMode: 'followup' } }],
    // The sub-agent keeps working after the turn that spawned it has ended.
    parentClosePolicy: 'ABANDON',
    memo: { sessionKey, ...(label ? { label } : {}) },
    typedSearchAttributes: [
      { key: sessionKeyAttribute, value: sessionKey },
      { key: parentSessionKeyAttribute, value: ref.sessionKey },
      { key: agentIdAttribute, value: settings.agentId },
    ],
  });
  return {
    text: `Started sub-agent${label ? ` "${label}"` : ''} in session ${sessionKey}. Its result will arrive in this session as a message when it finishes.`,
    isError: false,
  };
}

/** Tools the turn workflow runs itself, by name. Their schemas live in activities/tools/. */
export const workflowTools: Record<string, WorkflowTool> = {
  sessions_spawn: sessionsSpawn,
};
