import type { Message } from '../messages.js';
import type { InboundMessage, ToolInvokeResult } from '../../workflows/types.js';

export type { InboundMessage };

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
  invokeTool(tool: string, args: Record<string, unknown>, sessionKey: string): Promise<ToolInvokeResult>;
  /** Sub-agents spawned by a session (sessions_spawn), newest first. */
  listSubagents(parentSessionKey: string): Promise<SubagentInfo[]>;
  /** The last `limit` messages of a session. */
  history(sessionKey: string, limit: number): Promise<{ sessionKey: string; sessionId?: string; messages: Message[] }>;
}
