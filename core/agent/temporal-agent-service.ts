import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  WorkflowContinuedAsNewError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowStartOptions,
} from '@temporalio/client';
import type { Config } from '../config/schema.js';
import { KeyedMutex } from '../sessions/fs-util.js';
import type { SessionStore } from '../sessions/index.js';
import {
  abortTurnUpdate,
  messageSignal,
  pendingApprovalsQuery,
  resolveApprovalUpdate,
  sessionIdleTimeoutMs,
  sessionStateQuery,
  sessionWorkflowId,
  turnWorkflowId,
  sessionWorkflowTypes,
} from '../../workflows/definitions.js';
import {
  agentIdAttribute,
  approvalStateAttribute,
  channelAttribute,
  parentSessionKeyAttribute,
  runIdAttribute,
  sessionKeyAttribute,
} from '../../workflows/search-attributes.js';
import type {
  PendingApproval,
  SessionInput,
  SessionState,
  ToolInvokeResult,
  TurnOutcome,
  TurnResult,
  TurnSettings,
} from '../../workflows/types.js';
import type { AgentService, InboundMessage, RunOutcome, SubagentInfo } from './agent-service.js';
import { createTemporalCron } from './temporal-cron.js';
import { createTemporalRuns } from './temporal-runs.js';

/** What the Temporal-backed agent service needs. */
export interface TemporalAgentServiceDeps {
  client: Client;
  /** The current config (it may be reloaded). */
  config: () => Config;
  store: SessionStore;
}

/** A value for a single-quoted visibility query string. */
function quote(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

/** Turn settings from the current config. */
export function turnSettings(config: Config): TurnSettings {
  return {
    agentId: config.agent.id,
    models: [config.agent.model, ...config.agent.fallbacks],
    maxSteps: config.agent.maxSteps,
    queueMode: config.session.queueMode,
    debounceMs: config.session.debounceMs,
    approvals: config.approvals,
    ...(config.memory.enabled && config.memory.autoRecall
      ? { autoRecall: { maxResults: config.memory.autoRecallResults } }
      : {}),
  };
}

/** The gateway's way into the agent: session workflows on Temporal. */
export function createTemporalAgentService({
  client,
  config,
  store,
}: TemporalAgentServiceDeps): AgentService {
  // Run id → session key for runs started through this gateway; runs started elsewhere are
  // found through the ClawdbotRunId search attribute.
  const runSessions = new Map<string, string>();
  const remember = (runId: string, sessionKey: string) => {
    runSessions.set(runId, sessionKey);
    if (runSessions.size > 10_000) runSessions.delete(runSessions.keys().next().value!);
  };

  // Sessions this gateway sent a message to lately (open: a run waits for the next one); a
  // session's sends, one at a time.
  const openSessions = recentlyOpen();
  const sending = new KeyedMutex();
  /**
   * Start a session's workflow with its first message queued, asking for its first task
   * eagerly; false when it is open already (started elsewhere, or before this process).
   */
  const startEagerly = async (
    options: Pick<WorkflowStartOptions, 'workflowId' | 'taskQueue' | 'typedSearchAttributes'>,
    input: SessionInput,
  ): Promise<boolean> => {
    try {
      await client.workflow.start(sessionWorkflowTypes[0], {
        ...options,
        args: [input],
        requestEagerStart: true,
      });
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
  };

  /**
   * The workflow execution that runs (or ran) a turn: a run of the session workflow, or an
   * agentTurn workflow (sub-agents, and sessions started by an older version). Both carry
   * the ClawdbotRunId search attribute. Undefined while the turn is still queued.
   */
  const findTurn = async (
    runId: string,
    sessionKey?: string,
  ): Promise<{ workflowId: string; runId: string; type: string } | undefined> => {
    const key = sessionKey ?? runSessions.get(runId);
    const query =
      `${runIdAttribute.name} = '${quote(runId)}'` +
      (key ? ` AND ${sessionKeyAttribute.name} = '${quote(key)}'` : '');
    for await (const execution of client.workflow.list({ query, pageSize: 10 })) {
      return { workflowId: execution.workflowId, runId: execution.runId, type: execution.type };
    }
    return undefined;
  };

  /**
   * Wait until a run's first workflow task is done. Capped (a wedged run must not hold the
   * answer for the whole deadline), but generously: on a busy machine that task can take
   * seconds, and answering before it means answering before the run-finish event.
   */
  const firstTaskDone = async (workflowId: string, runId: string, deadline: number) => {
    const until = Math.min(deadline, Date.now() + 10_000);
    const handle = client.workflow.getHandle(workflowId, runId);
    while (Date.now() < until) {
      const description = await handle.describe();
      if (!description.raw.pendingWorkflowTask || description.closeTime) return;
      await sleep(10);
    }
  };

  /** Wait for a turn's end within the deadline: undefined when the deadline came first. */
  const turnOutcome = async (
    turn: { workflowId: string; runId: string; type: string },
    runId: string,
    deadline: number,
  ): Promise<RunOutcome | undefined> => {
    const timeout = (ms: number) => sleep(Math.max(0, ms)).then(() => 'timeout' as const);
    if (!(sessionWorkflowTypes as readonly string[]).includes(turn.type)) {
      const handle = client.workflow.getHandle<(input: unknown) => Promise<TurnResult>>(
        turn.workflowId,
      );
      const result = await Promise.race([handle.result(), timeout(deadline - Date.now())]);
      if (result === 'timeout') return undefined;
      return {
        runId,
        status: result.status,
        text: result.text,
        ...(result.errorMessage !== undefined ? { errorMessage: result.errorMessage } : {}),
      };
    }
    // A session run runs one turn and continues-as-new; the turn's outcome is in its memo.
    const handle = client.workflow.getHandle(turn.workflowId, turn.runId, { followRuns: false });
    let nextRun: string | undefined;
    const ended = await Promise.race([
      handle.result().then(
        () => 'ended' as const,
        (error: unknown) => {
          if (!(error instanceof WorkflowContinuedAsNewError)) throw error;
          nextRun = error.newExecutionRunId;
          return 'ended' as const;
        },
      ),
      timeout(deadline - Date.now()),
    ]);
    if (ended === 'timeout') return undefined;
    // The next run announces this turn's end in its first workflow task: answer after it,
    // so whoever waited has seen (or will see) the run-finish event before the answer.
    if (nextRun !== undefined) await firstTaskDone(turn.workflowId, nextRun, deadline);
    const memo = (await handle.describe()).memo as { turn?: TurnOutcome } | undefined;
    const outcome = memo?.turn;
    if (outcome?.runId !== runId)
      return { runId, status: 'error', errorMessage: 'the turn ended without an outcome' };
    return {
      runId,
      status: outcome.status,
      text: outcome.text,
      ...(outcome.errorMessage !== undefined ? { errorMessage: outcome.errorMessage } : {}),
    };
  };

  /** Cancel agentTurn workflows by id (sub-agents' turns, sessions of an older version). */
  const cancelTurnWorkflows = async (sessionKey: string, runIds: string[]) => {
    const aborted: string[] = [];
    for (const id of runIds) {
      try {
        await client.workflow.getHandle(turnWorkflowId(sessionKey, id)).cancel();
        aborted.push(id);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
    return aborted;
  };

  return {
    async send(sessionKey, message: InboundMessage) {
      const current = config();
      const settings = turnSettings(current);
      remember(message.messageId, sessionKey);
      const options = {
        workflowId: sessionWorkflowId(sessionKey),
        taskQueue: current.temporal.taskQueue,
        typedSearchAttributes: [
          { key: sessionKeyAttribute, value: sessionKey },
          { key: channelAttribute, value: message.channel },
          { key: agentIdAttribute, value: settings.agentId },
        ],
      };
      // A session this gateway has not seen open is started with the message in its queue,
      // eagerly: the start's answer carries the run's first workflow task to this process's
      // worker, so no task waits on the queue before the first LLM call. A session's sends
      // go to Temporal one after the other, in the order the gateway got them (a start
      // first, then signals): its turns run in that order.
      await sending.run(sessionKey, async () => {
        const open = openSessions.isOpen(sessionKey);
        openSessions.touch(sessionKey);
        if (!open && (await startEagerly(options, { sessionKey, settings, pending: [message] })))
          return;
        await client.workflow.signalWithStart(sessionWorkflowTypes[0], {
          ...options,
          args: [{ sessionKey, settings }],
          signal: messageSignal,
          signalArgs: [{ message, settings }],
        });
      });
      return { runId: message.messageId };
    },

    async abort(sessionKey, runId) {
      const handle = client.workflow.getHandle(sessionWorkflowId(sessionKey));
      try {
        // The session runs its turns itself: it cancels the running one.
        const { runIds } = await handle.executeUpdate(abortTurnUpdate, {
          args: [runId !== undefined ? { runId } : {}],
        });
        if (runIds.length > 0 || runId === undefined) return { aborted: runIds.length > 0, runIds };
        // Not the session's current turn: maybe a turn workflow of that id.
        const aborted = await cancelTurnWorkflows(sessionKey, [runId]);
        return { aborted: aborted.length > 0, runIds: aborted };
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) {
          // A session run of an older version (its turns are child workflows).
          let runIds: string[];
          if (runId) {
            runIds = [runId];
          } else {
            const state: SessionState = await handle.query(sessionStateQuery);
            runIds = state.current ? [state.current.runId] : [];
          }
          const aborted = await cancelTurnWorkflows(sessionKey, runIds);
          return { aborted: aborted.length > 0, runIds: aborted };
        }
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
      if (runId) {
        const aborted = await cancelTurnWorkflows(sessionKey, [runId]);
        if (aborted.length > 0) return { aborted: true, runIds: aborted };
      }
      // Not a session workflow: maybe a sub-agent spawned with sessions_spawn (stop it).
      try {
        await client.workflow.getHandle(`subagent:${sessionKey}`).cancel();
        return { aborted: true, runIds: [sessionKey.split(':').pop()!] };
      } catch (inner) {
        if (inner instanceof WorkflowNotFoundError) return { aborted: false, runIds: [] };
        throw inner;
      }
    },

    async wait(runId, timeoutMs, sessionKey): Promise<RunOutcome> {
      const deadline = Date.now() + timeoutMs;
      // The turn may still be queued behind another one in its session: wait for it to exist.
      for (;;) {
        const turn = await findTurn(runId, sessionKey);
        if (turn) {
          try {
            return (await turnOutcome(turn, runId, deadline)) ?? { runId, status: 'timeout' };
          } catch (error) {
            if (!(error instanceof WorkflowNotFoundError)) {
              return { runId, status: 'error', errorMessage: (error as Error).message };
            }
          }
        }
        if (Date.now() >= deadline) return { runId, status: 'timeout' };
        await sleep(Math.min(100, Math.max(0, deadline - Date.now())));
      }
    },

    async invokeTool(tool, args, sessionKey) {
      const current = config();
      return client.workflow.execute('toolInvoke', {
        workflowId: `tool:${sessionKey}:${randomUUID()}`,
        taskQueue: current.temporal.taskQueue,
        args: [{ sessionKey, invocationId: randomUUID(), tool, args }],
        typedSearchAttributes: [{ key: sessionKeyAttribute, value: sessionKey }],
      }) as Promise<ToolInvokeResult>;
    },

    async listSubagents(parentSessionKey) {
      const children: SubagentInfo[] = [];
      const query = `WorkflowType = 'subagent' AND ${parentSessionKeyAttribute.name} = '${quote(parentSessionKey)}'`;
      for await (const execution of client.workflow.list({ query, pageSize: 100 })) {
        const memo = (execution.memo ?? {}) as { label?: string; sessionKey?: string };
        children.push({
          sessionKey: memo.sessionKey ?? execution.workflowId.replace(/^subagent:/, ''),
          workflowId: execution.workflowId,
          status: execution.status.name.toLowerCase(),
          ...(memo.label ? { label: memo.label } : {}),
          startedAt: execution.startTime.getTime(),
        });
        if (children.length >= 100) break;
      }
      return children;
    },

    async pendingApprovals() {
      const approvals: PendingApproval[] = [];
      // Only this installation's turns that are waiting: a turn on another task queue (or
      // one whose worker is gone) would leave the query hanging.
      const query =
        `WorkflowType IN (${[...sessionWorkflowTypes, 'agentTurn'].map((type) => `'${type}'`).join(', ')}) AND ExecutionStatus = 'Running' AND ` +
        `TaskQueue = '${quote(config().temporal.taskQueue)}' AND ${approvalStateAttribute.name} = 'pending'`;
      const handles = [];
      for await (const execution of client.workflow.list({ query, pageSize: 200 })) {
        handles.push(client.workflow.getHandle(execution.workflowId));
      }
      const answers = await Promise.all(
        handles.map((handle) =>
          Promise.race([
            handle.query(pendingApprovalsQuery).catch(() => [] as PendingApproval[]),
            sleep(5000).then(() => [] as PendingApproval[]),
          ]),
        ),
      );
      for (const answer of answers) approvals.push(...answer);
      return approvals.sort((a, b) => a.requestedAt - b.requestedAt);
    },

    async resolveApproval(approvalId, decision, reason) {
      const turnId = approvalId.split('::')[0] ?? '';
      try {
        await client.workflow.getHandle(turnId).executeUpdate(resolveApprovalUpdate, {
          args: [{ approvalId, decision, ...(reason ? { reason } : {}) }],
        });
        return true;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError || error instanceof WorkflowUpdateFailedError)
          return false;
        throw error;
      }
    },

    cron: createTemporalCron({ client, config, settings: turnSettings }),

    runs: createTemporalRuns({ client, config }),

    async history(sessionKey, limit) {
      const entry = await store.get(sessionKey);
      if (!entry) return { sessionKey, messages: [] };
      return {
        sessionKey,
        sessionId: entry.sessionId,
        messages: await store.readHistory(entry.sessionId, { limit }),
      };
    },
  };
}

/**
 * Session keys with the time of their last message, most recent last, bounded. A session
 * run that had no message for its idle timeout completes; a key older than that (less a
 * margin) is no longer taken for open.
 */
function recentlyOpen(idleMs = sessionIdleTimeoutMs - 5 * 60_000, max = 10_000) {
  const lastSent = new Map<string, number>();
  return {
    isOpen(key: string): boolean {
      const at = lastSent.get(key);
      return at !== undefined && Date.now() - at < idleMs;
    },
    touch(key: string): void {
      lastSent.delete(key);
      lastSent.set(key, Date.now());
      if (lastSent.size > max) lastSent.delete(lastSent.keys().next().value!);
    },
  };
}
