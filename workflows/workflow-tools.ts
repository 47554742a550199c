import { ActivityFailure, proxyActivities, startChild, uuid4 } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { cronJob } from './cron-job.js';
import { cronJobStartOptions, describeSchedule } from './cron-definitions.js';
import {
  agentIdAttribute,
  parentSessionKeyAttribute,
  sessionKeyAttribute,
} from './search-attributes.js';
import { nodesTool } from './nodes-tool.js';
import { subagent } from './subagent.js';
import { messageTool } from './message-tool.js';
import type {
  ApprovalDecision,
  CronJobInput,
  CronToolRequest,
  DeliveryTarget,
  TurnRef,
  TurnSettings,
} from './types.js';

const { 'cron.manage': manageCron } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '500ms', maximumAttempts: 3 },
});

/** What a workflow tool knows about the call. */
export interface WorkflowToolContext {
  ref: TurnRef;
  settings: TurnSettings;
  /** The host that owns the calling session's workspace (cluster). */
  host?: string;
  /** Wait, durably, for the owner to approve this call (the turn's approval book). */
  approve?: () => Promise<ApprovalDecision>;
  /** The tool call: its id and the step it came in (keys for idempotent effects). */
  call: { id: string; step: number };
  /** The chat the turn's message came from (a messaging channel), if it did. */
  origin?: DeliveryTarget;
  /** A sandboxed stranger's session: files it sends come from its own workspace only. */
  workspaceId?: string;
}

/** A tool whose effect is a workflow of its own, run by the turn workflow itself. */
export type WorkflowTool = (
  args: Record<string, unknown>,
  context: WorkflowToolContext,
) => Promise<{ text: string; isError: boolean }>;

/** sessions_spawn: a sub-agent session as a child workflow that outlives this turn. */
async function sessionsSpawn(
  args: Record<string, unknown>,
  { ref, settings, host }: WorkflowToolContext,
) {
  const task = String(args.task);
  const label = typeof args.label === 'string' ? args.label : undefined;
  const id = uuid4();
  const sessionKey = `agent:${settings.agentId}:subagent:${id}`;
  const workflowId = `subagent:${sessionKey}`;
  await startChild(subagent, {
    workflowId,
    args: [
      {
        parentSessionKey: ref.sessionKey,
        sessionKey,
        runId: id,
        task,
        ...(label ? { label } : {}),
        settings: { ...settings, queueMode: 'followup' },
        // The sub-agent works in the same workspace as the session that spawned it.
        ...(host !== undefined ? { host } : {}),
      },
    ],
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

/**
 * cron: `add` starts the job's workflow as a child that outlives this turn (ABANDON); the
 * other actions reach existing jobs through the Temporal client, in an activity.
 */
async function cron(args: Record<string, unknown>, { ref, settings }: WorkflowToolContext) {
  const request = args.request as CronToolRequest;
  if (request.action !== 'add') {
    // uuid4() is replay-safe: a retried `run` carries the same request id, so it fires once.
    // A failure past the retries is the model's to read, not the end of the turn.
    return manageCron({ request, agentId: settings.agentId, requestId: uuid4() }).catch(
      (error: unknown) => ({
        isError: true,
        text: `cron ${request.action} failed: ${error instanceof ActivityFailure && error.cause ? error.cause.message : String(error)}`,
      }),
    );
  }
  const input: CronJobInput = {
    jobId: uuid4(),
    ...(request.name !== undefined ? { name: request.name } : {}),
    schedule: request.schedule,
    target:
      request.session === 'isolated'
        ? { isolated: true, deliverTo: ref.sessionKey }
        : { sessionKey: ref.sessionKey },
    message: request.message,
    catchUp: request.catchUp,
    settings,
    createdAt: Date.now(),
  };
  await startChild(cronJob, { ...cronJobStartOptions(input), parentClosePolicy: 'ABANDON' });
  const where =
    request.session === 'isolated'
      ? 'in a session of its own; each result arrives here as a message'
      : 'in this session';
  return {
    text: `Added cron job ${input.jobId}${request.name ? ` "${request.name}"` : ''}: ${describeSchedule(request.schedule)}, runs ${where}.`,
    isError: false,
  };
}

/** Tools the turn workflow runs itself, by name. Their schemas live in activities/tools/. */
export const workflowTools: Record<string, WorkflowTool> = {
  sessions_spawn: sessionsSpawn,
  cron,
  nodes: nodesTool,
  message: messageTool,
};

/**
 * Workflow tools a stranger's session may run when its policy allows them: their effect
 * ends with the call and stays bound to the session's own chat (message), unlike a
 * sub-agent or a cron job that would act later with no sender to hold it to the policy.
 */
export const strangerSafeWorkflowTools: ReadonlySet<string> = new Set(['message']);
