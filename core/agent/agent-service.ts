import type { Message } from '../messages.js';
import type {
  CronJobInfo,
  CronJobSpec,
  CronJobState,
  InboundMessage,
  PendingApproval,
  ToolInvokeResult,
} from '../../workflows/types.js';

import type { RunsService } from './temporal-runs.js';

export type { InboundMessage };

/** Cron jobs on the agent runtime (the cron tool's list/remove/run/runs and the gateway's cron.* methods). */
export interface CronService {
  /** Running jobs, of one agent when given, newest first. */
  list(filter?: { agentId?: string }): Promise<CronJobInfo[]>;
  /** Start a job (its workflow has no parent) and describe it. */
  add(spec: CronJobSpec): Promise<CronJobInfo>;
  /** Stop a job; false when no running job has that id. */
  remove(jobId: string): Promise<boolean>;
  /** Fire a job now; the same request id twice is one run. False when no running job has that id. */
  run(jobId: string, requestId: string): Promise<boolean>;
  /** A job's next fire time and recent runs, also after it ended (while Temporal keeps it); undefined when unknown. */
  state(jobId: string): Promise<CronJobState | undefined>;
}

/** How a finished run ended. */
export interface RunOutcome {
  runId: string;
  status: 'ok' | 'error' | 'aborted' | 'timeout';
  /** The final assistant text. */
  text?: string;
  message?: Message;
  errorMessage?: string;
}

/** A sub-agent and whether it still runs. */
export interface SubagentInfo {
  sessionKey: string;
  workflowId: string;
  status: string;
  label?: string;
  startedAt: number;
}

/** What the gateway asks of the agent runtime; implemented over the Temporal client. */
export interface AgentService {
  /** Queue a message on its session (signal-with-start); returns at once. runId = messageId. */
  send(sessionKey: string, message: InboundMessage): Promise<{ runId: string }>;
  /** Cancel a session's run (the current one when runId is omitted). */
  abort(sessionKey: string, runId?: string): Promise<{ aborted: boolean; runIds: string[] }>;
  /** Wait for a run to finish, up to timeoutMs (then status 'timeout'). */
  wait(runId: string, timeoutMs: number, sessionKey?: string): Promise<RunOutcome>;
  /** Run one tool as its Temporal activity, outside any conversation (POST /tools/invoke). */
  invokeTool(
    tool: string,
    args: Record<string, unknown>,
    sessionKey: string,
  ): Promise<ToolInvokeResult>;
  /** Sub-agents spawned by a session (sessions_spawn), newest first. */
  listSubagents(parentSessionKey: string): Promise<SubagentInfo[]>;
  /** Tool calls waiting for approval, across all running turns. */
  pendingApprovals(): Promise<PendingApproval[]>;
  /** Approve or deny a pending tool call; false when no such approval is pending. */
  resolveApproval(
    approvalId: string,
    decision: 'approve' | 'deny',
    reason?: string,
  ): Promise<boolean>;
  /** Cron jobs: each one a workflow of its own. */
  cron: CronService;
  /** The turns running now and the recent ones (runs.list, `clawdbot status`). */
  runs: RunsService;
  /** The last `limit` messages of a session. */
  history(
    sessionKey: string,
    limit: number,
  ): Promise<{ sessionKey: string; sessionId?: string; messages: Message[] }>;
}
