/**
 * The turns running now and the recent ones, read from Temporal's visibility store: each
 * turn is a workflow run carrying the ClawdbotRunId search attribute (a run of the session
 * workflow, or an agentTurn / subagent workflow), so nothing else needs to keep a list.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { Config } from '../config/schema.js';
import {
  approvalStateAttribute,
  channelAttribute,
  runIdAttribute,
  sessionKeyAttribute,
} from '../../workflows/search-attributes.js';
import type { TurnOutcome } from '../../workflows/types.js';
import { sessionWorkflowTypes } from '../../workflows/definitions.js';

/** Where a turn stands: running (maybe waiting for an approval) or how it ended. */
export type RunState =
  | 'running'
  | 'awaiting-approval'
  | 'ok'
  | 'error'
  | 'aborted'
  | 'failed'
  | 'canceled'
  | 'terminated'
  | 'timed-out';

/** One turn, as runs.list and `clawdbot status` show it. */
export interface RunInfo {
  runId: string;
  sessionKey: string;
  state: RunState;
  channel?: string;
  startedAt: number;
  closedAt?: number;
  /** The workflow execution in Temporal (for its UI and CLI). */
  workflowId: string;
  workflowRunId: string;
  workflowType: string;
}

/** What to list. */
export interface RunsFilter {
  /** At most this many turns (running ones first). */
  limit: number;
  sessionKey?: string;
}

/** Lists turns. */
export interface RunsService {
  list(filter: RunsFilter): Promise<RunInfo[]>;
}

function quote(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

// Temporal's status names, as the run states a person reads.
const closedStates: Record<string, RunState> = {
  FAILED: 'failed',
  CANCELLED: 'canceled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed-out',
};

function stateOf(execution: WorkflowExecutionInfo, runId: string): RunState {
  // A session run records its turn's outcome in its memo before it continues as new. The
  // next run starts with a copy of that memo: only an outcome of this run's own turn counts.
  const outcome = (execution.memo as { turn?: TurnOutcome } | undefined)?.turn;
  if (outcome?.runId === runId) return outcome.status;
  const status = execution.status.name;
  if (status === 'RUNNING') {
    const approval = execution.typedSearchAttributes.get(approvalStateAttribute);
    return approval === 'pending' ? 'awaiting-approval' : 'running';
  }
  return closedStates[status] ?? 'ok';
}

/** The runs service over a Temporal client. */
export function createTemporalRuns(deps: { client: Client; config: () => Config }): RunsService {
  return {
    async list({ limit, sessionKey }) {
      // This installation's turns only (its task queue), and only runs that are a turn.
      const query =
        `WorkflowType IN (${[...sessionWorkflowTypes, 'agentTurn', 'subagent'].map((type) => `'${type}'`).join(', ')}) AND ` +
        `TaskQueue = '${quote(deps.config().temporal.taskQueue)}' AND ` +
        `${runIdAttribute.name} IS NOT NULL` +
        (sessionKey ? ` AND ${sessionKeyAttribute.name} = '${quote(sessionKey)}'` : '');
      const runs: RunInfo[] = [];
      const seen = new Set<string>();
      for await (const execution of deps.client.workflow.list({
        query,
        pageSize: Math.min(limit * 2, 1000),
      })) {
        const runId = execution.typedSearchAttributes.get(runIdAttribute);
        // A sub-agent's turn may show up as its workflow and as its session's run: once.
        if (!runId || seen.has(runId)) continue;
        seen.add(runId);
        const channel = execution.typedSearchAttributes.get(channelAttribute);
        runs.push({
          runId,
          sessionKey: execution.typedSearchAttributes.get(sessionKeyAttribute) ?? '',
          state: stateOf(execution, runId),
          ...(channel ? { channel } : {}),
          startedAt: execution.startTime.getTime(),
          ...(execution.closeTime ? { closedAt: execution.closeTime.getTime() } : {}),
          workflowId: execution.workflowId,
          workflowRunId: execution.runId,
          workflowType: execution.type,
        });
        if (runs.length >= limit * 2) break;
      }
      const open = (run: RunInfo) => run.closedAt === undefined;
      return runs
        .sort((a, b) =>
          open(a) !== open(b)
            ? open(a)
              ? -1
              : 1
            : (b.closedAt ?? b.startedAt) - (a.closedAt ?? a.startedAt),
        )
        .slice(0, limit);
    },
  };
}

/** The Temporal UI's address: config temporal.uiUrl, else the embedded dev server's UI. */
export function temporalUiBase(config: Config): string {
  const base = config.temporal.uiUrl ?? `http://127.0.0.1:${config.temporal.dev.uiPort}`;
  return base.replace(/\/+$/, '');
}

/** The Temporal UI page of one workflow run (its event history). */
export function temporalUiLink(config: Config, workflowId: string, workflowRunId: string): string {
  const namespace = encodeURIComponent(config.temporal.namespace);
  const workflow = `${encodeURIComponent(workflowId)}/${encodeURIComponent(workflowRunId)}`;
  return `${temporalUiBase(config)}/namespaces/${namespace}/workflows/${workflow}/history`;
}
