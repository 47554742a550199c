import {
  ActivityCancellationType,
  ActivityFailure,
  CancellationScope,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { RunPart } from '../core/events/types.js';
import type { AssistantMessage, ToolCallBlock, Usage } from '../core/messages.js';
import { addUsage } from './usage.js';
import type { SkillsSnapshot } from '../core/skills/catalog.js';
import type { ApprovalBook } from './approvals.js';
import { deliverReply, deliveryTargetOf } from './channel-delivery.js';
import { recallMemories } from './memory-recall.js';
import { hostUnreachableText, toolActivity } from './tool-proxy.js';
import { strangerSafeWorkflowTools, workflowTools } from './workflow-tools.js';
import type {
  ApprovalRules,
  GenerateInput,
  CompactInput,
  CompactResult,
  FinishedTurn,
  GenerateResult,
  InboundMessage,
  StepReply,
  PreparedTurn,
  TurnInput,
  TurnRef,
  TurnResult,
} from './types.js';
import { withToolMedia } from './tool-media.js';

// Transcript and bookkeeping steps are cheap and local to the worker's disk: as local
// activities they run inside the workflow task, saving a server round trip each (the path
// from message to first LLM byte is counted in hops).
const bookkeeping = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '200ms', maximumInterval: '10s', maximumAttempts: 10 },
});
const llm = proxyActivities<Activities>({
  startToCloseTimeout: '10m',
  // A dead worker is noticed within seconds, not at the 10-minute start-to-close timeout.
  heartbeatTimeout: '10s',
  // On abort, wait until the stream has really stopped, so no delta is published after
  // the turn announced its end.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '60s',
    maximumAttempts: 8,
    nonRetryableErrorTypes: ['LlmFatalError'],
  },
});

/**
 * The session's skills from its host's own task queue: a cluster's LLM step that ran on
 * another host asks for them (bins, env and skill folders are that host's). A host that
 * does not answer in time leaves the turn without skills rather than without a reply.
 */
async function hostSkills(prepared: PreparedTurn, command: string | undefined) {
  const policy = prepared.tools['read_file'];
  const activities = proxyActivities<Activities>({
    startToCloseTimeout: '30s',
    ...(policy?.taskQueue !== undefined ? { taskQueue: policy.taskQueue } : {}),
    ...(policy?.scheduleToStartTimeoutMs !== undefined
      ? { scheduleToStartTimeout: policy.scheduleToStartTimeoutMs }
      : {}),
    retry: { maximumAttempts: 3 },
  });
  try {
    return await activities['skills.snapshot'](command !== undefined ? { command } : {});
  } catch (error) {
    if (isCancellation(error)) throw error;
    return { skills: [] } satisfies SkillsSnapshot;
  }
}

// Summarising is one LLM call or a few: retried once, then the turn falls back to
// truncation rather than waiting on a model that cannot summarise this history.
const compaction = proxyActivities<Activities>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '30s',
  retry: {
    initialInterval: '1s',
    maximumAttempts: 2,
    nonRetryableErrorTypes: ['CompactionFailed'],
  },
});

/**
 * Compact the session's history (its own activity, so it shows in the Temporal UI);
 * after two failed attempts, drop the older part with a marker: the turn goes on either way.
 */
async function compactHistory(input: CompactInput): Promise<CompactResult> {
  try {
    return await compaction['context.compact'](input);
  } catch (error) {
    if (isCancellation(error)) throw error;
    return bookkeeping['context.truncate'](input);
  }
}

/** How the workflow that hosts a turn connects it to its own handlers. */
export interface TurnHost {
  /** The turn's id in events and approvals. */
  turnId: string;
  /** Messages steered in while the turn runs; the turn takes them before each LLM call. */
  steered: InboundMessage[];
  approvals: ApprovalBook;
  /** Approval ids are `<prefix>::<tool call id>`; the prefix starts with the workflow id. */
  approvalPrefix: string;
  /**
   * Resolve the session and record the user messages inside the first LLM activity rather
   * than in a local activity before it: one activation less before the first LLM byte.
   */
  prepareInFirstCall: boolean;
  /**
   * Publish the turn's end (run-finish) when it is recorded; false returns it instead, for
   * the host to publish later.
   */
  announceEnd: boolean;
  /**
   * The hosting workflow type postdates every `patched()` below: take each change without
   * asking (each call records a marker and a search-attribute upsert in every run).
   */
  patchesBuiltIn?: boolean;
}

/** A turn's result, and its end to publish when the host asked to publish it itself. */
export interface TurnRun {
  result: TurnResult;
  announcement?: { ref: TurnRef; part: RunPart };
}

/**
 * The tool error for a call the turn's policy does not allow (or that names no tool): the
 * call is never run, and the model hears why and what it may call instead.
 */
function refusalText(name: string, prepared: PreparedTurn): string {
  const available = Object.keys(prepared.tools).join(', ') || 'none';
  const access = prepared.access;
  if (!access || !access.denied.includes(name))
    return `Unknown tool "${name}". Available tools: ${available}.`;
  const shell =
    access.shellUnavailable !== undefined && (name === 'bash' || name === 'process')
      ? ` No shell in this session: ${access.shellUnavailable}.`
      : '';
  return (
    `Tool "${name}" is not allowed in this session (${access.summary}), so it was not run.` +
    `${shell} Tools you may call: ${available}.`
  );
}

/** Whether config marks this call as needing a person's approval. */
function needsApproval(call: ToolCallBlock, rules: ApprovalRules | undefined): boolean {
  if (!rules) return false;
  if (rules.tools.includes(call.name)) return true;
  if (call.name !== 'bash' || rules.bashPatterns.length === 0) return false;
  const command = typeof call.arguments.command === 'string' ? call.arguments.command : '';
  return rules.bashPatterns.some((pattern) => new RegExp(pattern).test(command));
}

function failureText(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * One agent turn: context → LLM → tools → LLM ... until the model answers without tool
 * calls or the step limit is hit, then the turn's end is recorded. All I/O is in
 * activities; the history holds only the final message of each step. Cancelling the
 * scope it runs in (chat.abort) cancels the running activity and records the abort.
 * Both the session workflow (chat) and the agentTurn workflow (sub-agents) run turns
 * through this function, so whatever follows a turn's end follows it in both.
 */
export async function runTurn(input: TurnInput, host: TurnHost): Promise<TurnRun> {
  const { sessionKey, runId, settings } = input;
  const { steered, turnId } = host;
  let usage: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0 };
  let last: AssistantMessage | undefined;
  let status: TurnResult['status'] = 'ok';
  let errorMessage: string | undefined;
  let stepLimit: number | undefined;
  let step = 0;
  let ref: TurnRef | undefined;
  // The session's host let a call time out unpicked: its other host-bound calls fail fast.
  let hostDown = false;
  // Files tools asked to send with the reply (tts audio), in call order.
  const toolMedia: string[] = [];
  const recalled = settings.autoRecall
    ? await recallMemories(input.messages, {
        maxResults: settings.autoRecall.maxResults,
        ...(input.host !== undefined ? { host: input.host } : {}),
      })
    : '';
  const extraSystemPrompt = [
    ...input.messages.map((message) => message.extraSystemPrompt),
    recalled,
  ]
    .filter(Boolean)
    .join('\n\n');
  // A first message starting with '/' may invoke a skill; the host's catalog decides.
  const firstText = input.messages[0]?.text.trimStart() ?? '';
  const skillCommand = firstText.startsWith('/') ? firstText : undefined;
  // Set in a cluster (the session has an owning host): the turn's skills, from that host.
  let skills: SkillsSnapshot | undefined;
  let prepared: PreparedTurn | undefined;
  const generate = async (request: GenerateInput): Promise<GenerateResult> => {
    const reply = await llm['llm.generate'](request);
    if (!('deferred' in reply)) {
      if (reply.skills) skills = reply.skills;
      return reply;
    }
    // The call ran on another host than the session's: get the skills there, call again.
    const owner = reply.prepared ?? prepared;
    if (!owner) throw new Error('the LLM call deferred to a host it did not name');
    skills = await hostSkills(owner, skillCommand);
    const again = await llm['llm.generate']({ ...request, skills });
    if ('deferred' in again) throw new Error('the LLM call deferred twice');
    return again;
  };
  // The plugins' before_agent_start context, once the turn is prepared (the first call,
  // which prepares it, adds it itself).
  const systemExtra = () =>
    [extraSystemPrompt, prepared?.pluginContext].filter(Boolean).join('\n\n');
  const prepareInput = {
    sessionKey,
    runId,
    turnId,
    messages: input.messages,
    ...(input.host !== undefined ? { host: input.host } : {}),
  };

  // The chat the turn came from: the message tool is bound to it.
  const origin = deliveryTargetOf(input.messages);
  // The access decided when the turn was prepared (kept for the reply's delivery).
  let access: PreparedTurn['access'];
  // The last LLM call finishes the turn itself (no local activity after it) where the end
  // is announced later anyway (the session's next run); histories from before replay as
  // they ran.
  const finishInCall =
    !host.announceEnd && (host.patchesBuiltIn === true || patched('finish-in-last-call'));
  const finishIfFinal = () =>
    finishInCall ? { finishIfFinal: { usageBefore: usage, announce: false } } : {};
  let finishedInCall: FinishedTurn | undefined;
  try {
    if (!host.prepareInFirstCall) {
      prepared = await bookkeeping['turn.prepare'](prepareInput);
      ref = { sessionKey, sessionId: prepared.sessionId, runId, turnId };
    }
    for (;;) {
      if (ref && steered.length > 0) {
        await bookkeeping['turn.appendMessages']({
          ...ref,
          step: step + 1,
          messages: steered.splice(0),
        });
      }
      if (step >= settings.maxSteps) {
        stepLimit = settings.maxSteps;
        break;
      }
      step++;
      const generated: GenerateResult = await generate({
        ...(ref ?? { sessionKey, sessionId: '', runId, turnId }),
        step,
        models: settings.models,
        ...(systemExtra() ? { extraSystemPrompt: systemExtra() } : {}),
        ...(skillCommand !== undefined ? { skillCommand } : {}),
        ...(skills ? { skills } : {}),
        ...(prepared?.host !== undefined ? { host: prepared.host } : {}),
        ...(prepared?.access ? { access: prepared.access } : {}),
        // Messages steered in before the first call are recorded with the turn's own.
        ...(ref
          ? {}
          : { prepare: { ...prepareInput, messages: [...input.messages, ...steered.splice(0)] } }),
        ...finishIfFinal(),
      });
      if (!prepared) {
        if (!generated.prepared) throw new Error('the first LLM call did not prepare the turn');
        prepared = generated.prepared;
        ref = { sessionKey, sessionId: prepared.sessionId, runId, turnId };
      }
      const turnRef: TurnRef = ref!;
      access = prepared.access;
      let reply: StepReply;
      // Only activities of this version ask for compaction, so histories without the
      // marker never reach here; the marker keeps the new commands visible to replays.
      if (
        'compaction' in generated &&
        (host.patchesBuiltIn === true || patched('context-compaction'))
      ) {
        const compacted = await compactHistory({
          ...turnRef,
          step,
          models: settings.models,
          force: generated.compaction === 'forced',
        });
        if (compacted.reply) {
          // /compact: the compaction's report is the turn's answer.
          last = compacted.reply;
          break;
        }
        const again = await generate({
          ...turnRef,
          step,
          models: settings.models,
          ...(systemExtra() ? { extraSystemPrompt: systemExtra() } : {}),
          ...(skillCommand !== undefined ? { skillCommand } : {}),
          ...(skills ? { skills } : {}),
          ...(prepared.host !== undefined ? { host: prepared.host } : {}),
          ...(prepared.access ? { access: prepared.access } : {}),
          compacted: true,
          ...finishIfFinal(),
        });
        if ('compaction' in again) throw new Error('the LLM call asked to compact twice');
        reply = again;
      } else if ('compaction' in generated) {
        throw new Error('the LLM call asked to compact in a workflow without compaction');
      } else {
        reply = generated;
      }
      last = reply.message;
      usage = addUsage(usage, reply.message.usage);
      if (reply.toolCalls.length === 0) {
        if (steered.length > 0) continue; // answer the steering message before finishing
        finishedInCall = reply.finished;
        break;
      }
      for (const modelCall of reply.toolCalls) {
        let call = modelCall;
        const toolInput = {
          ...turnRef,
          step,
          toolCallId: call.id,
          name: call.name,
          args: call.arguments,
          ...(prepared.access ? { access: prepared.access } : {}),
        };
        const policy = prepared.tools[call.name];
        if (!policy) {
          // Outside the policy decided at the turn's start (or no tool at all): refused, not run.
          await bookkeeping['turn.recordToolResult']({
            ...toolInput,
            isError: true,
            text: refusalText(call.name, prepared),
          });
          continue;
        }
        // Only turns prepared by a worker with such a hook ask; the marker keeps histories
        // recorded before plugins replaying without the extra activity.
        if (
          prepared.pluginHooks?.includes('before_tool_call') &&
          (host.patchesBuiltIn === true || patched('plugin-before-tool-call'))
        ) {
          const decision = await bookkeeping['plugins.beforeToolCall']({
            sessionKey,
            runId,
            toolName: call.name,
            params: call.arguments,
          });
          if (decision.block) {
            await bookkeeping['turn.recordToolResult']({
              ...toolInput,
              isError: true,
              text: `Tool "${call.name}" was blocked by a plugin and not run: ${decision.blockReason}`,
            });
            continue;
          }
          call = { ...call, arguments: decision.params };
          toolInput.args = decision.params;
        }
        if (needsApproval(call, settings.approvals)) {
          const decision = await host.approvals.approve(
            turnRef,
            call,
            settings.approvals,
            `${host.approvalPrefix}::${call.id}`,
          );
          if (decision.decision === 'deny') {
            await bookkeeping['turn.recordToolResult']({
              ...toolInput,
              isError: true,
              text: `The user did not approve this ${call.name} call${decision.reason ? ` (${decision.reason})` : ''}. It was not run.`,
            });
            continue;
          }
        }
        const workflowTool = workflowTools[call.name];
        if (
          workflowTool &&
          prepared.access?.trust === 'other' &&
          !strangerSafeWorkflowTools.has(call.name)
        ) {
          // A sub-agent or cron job runs later as a session of its own, with no sender to
          // hold it to this session's policy: config that allows these to strangers would
          // hand them the owner's rights, so they stay the owner's.
          await bookkeeping['turn.recordToolResult']({
            ...toolInput,
            isError: true,
            text: `Tool "${call.name}" is only for the owner's sessions (${prepared.access.summary}); it was not run.`,
          });
          continue;
        }
        if (workflowTool) {
          const validated = await bookkeeping['tools.validate']({
            name: call.name,
            args: call.arguments,
          });
          const result = validated.ok
            ? await workflowTool(validated.args, {
                ref: turnRef,
                settings,
                ...(prepared.host !== undefined ? { host: prepared.host } : {}),
                approve: () =>
                  host.approvals.approve(
                    turnRef,
                    call,
                    settings.approvals,
                    `${host.approvalPrefix}::${call.id}`,
                  ),
                call: { id: call.id, step },
                ...(origin ? { origin } : {}),
                ...(prepared.access?.sandbox?.workspaceId !== undefined
                  ? { workspaceId: prepared.access.sandbox.workspaceId }
                  : {}),
              })
            : { text: validated.text, isError: true };
          await bookkeeping['turn.recordToolResult']({ ...toolInput, ...result });
          continue;
        }
        if (hostDown && policy.taskQueue !== undefined && policy.channel === undefined) {
          // One wait for a dead host per turn: several file calls in a step must not cost
          // the timeout each before the model hears anything.
          await bookkeeping['turn.recordToolResult']({
            ...toolInput,
            isError: true,
            text:
              `Tool ${call.name} was not run: this session's workspace host ` +
              `"${prepared.host ?? 'unknown'}" did not pick up an earlier call in this turn, ` +
              'so this one was not sent to it. Try again later.',
          });
          continue;
        }
        try {
          const output = await toolActivity(call.name, policy)(toolInput);
          if (!output.isError && output.media) toolMedia.push(...output.media);
        } catch (error) {
          if (isCancellation(error)) throw error;
          // The tool failed past its retry policy (e.g. a non-idempotent command whose
          // worker died, or a workspace host that is down): the model is told, and the
          // turn goes on.
          const unreachable = hostUnreachableText(error, call.name, prepared.host, policy);
          if (unreachable !== undefined && policy.channel === undefined) hostDown = true;
          await bookkeeping['turn.recordToolResult']({
            ...toolInput,
            isError: true,
            text: unreachable ?? `Tool ${call.name} failed: ${failureText(error)}`,
          });
        }
      }
    }
  } catch (error) {
    if (isCancellation(error)) {
      status = 'aborted';
    } else {
      status = 'error';
      errorMessage = failureText(error);
    }
  }

  const finish = () =>
    bookkeeping['turn.finish']({
      sessionKey,
      runId,
      turnId,
      sessionId: ref?.sessionId ?? '',
      status,
      usage,
      ...(errorMessage !== undefined ? { errorMessage } : {}),
      ...(stepLimit !== undefined ? { stepLimit } : {}),
      ...(last ? { last } : {}),
      ...(host.announceEnd ? {} : { announce: false }),
    });
  const finished = finishedInCall ?? (await CancellationScope.nonCancellable(finish));
  // A reply to a messaging channel goes out after the turn is recorded, wherever it ran.
  await deliverReply({
    taskQueue: workflowInfo().taskQueue,
    sessionKey,
    sessionId: ref?.sessionId ?? '',
    runId,
    messages: input.messages,
    status,
    text: status === 'ok' ? withToolMedia(finished.text, toolMedia) : finished.text,
    ...(errorMessage !== undefined ? { errorMessage } : {}),
    ...(access?.sandbox?.workspaceId !== undefined
      ? { workspaceId: access.sandbox.workspaceId }
      : {}),
  });
  const result: TurnResult = {
    runId,
    status,
    text: finished.text,
    steps: step,
    usage,
    ...(errorMessage !== undefined ? { errorMessage } : {}),
  };
  if (!finished.announcement) return { result };
  return {
    result,
    announcement: {
      ref: { sessionKey, sessionId: ref?.sessionId ?? '', runId, turnId },
      part: finished.announcement,
    },
  };
}
