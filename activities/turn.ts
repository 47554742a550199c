import type { AssistantMessage, ImageBlock, UserMessage } from '../core/messages.js';
import { zeroUsage } from '../core/messages.js';
import { transcriptEntryId, type MessageEntry, type SessionStore } from '../core/sessions/index.js';
import type { EventBus, RunPart } from '../core/events/types.js';
import type {
  FinishInput,
  InboundMessage,
  PreparedTurn,
  PrepareInput,
  ToolActivityPolicy,
  ToolInput,
  ToolOutput,
  TurnRef,
} from '../workflows/types.js';
import { hostTaskQueue, type Placement } from '../core/cluster/placement.js';
import { channelToolsTaskQueue } from '../workflows/channel-delivery.js';
import type { Config } from '../core/config/schema.js';
import { sandboxProblem } from '../core/security/sandbox.js';
import {
  decideTurnAccess,
  isOwner,
  type MessageSubject,
  type TurnAccess,
} from '../core/security/turn-access.js';
import { wrapUntrusted } from '../core/security/untrusted.js';
import { publishPart } from './publish.js';
import { resetIfDue } from './session-reset.js';
import { tools as builtInTools } from './tools/index.js';
import type { ToolDefinition } from './tools/tool.js';
import type { Logger } from '../core/logger.js';
import { hasHook, runBeforeAgentStart, runObservingHook } from '../core/plugins/hooks.js';
import type { PluginRegistry } from '../core/plugins/registry.js';
import { startSessionEndHooks } from '../core/plugins/session-end.js';
import type { Client } from '@temporalio/client';

/** What the turn bookkeeping activities need. */
export interface TurnActivityDeps {
  /** The config in force now (hot reload): tool policy, sandbox, reset policies. */
  config: () => Config;
  store: SessionStore;
  bus: EventBus;
  placement: Placement;
  /** Every tool of this worker: the built-in ones and the plugins' (default: built-in). */
  tools?: readonly ToolDefinition[];
  /** Plugins: before_agent_start runs in turn.prepare, agent_end in turn.finish. */
  plugins?: PluginRegistry;
  logger?: Logger;
  /** Starts the session_end hooks' workflow when a turn resets its session. */
  client?: Client;
}

/** Who sent a channel message, for the tool policy; undefined for a gateway client's. */
export function messageSubject(message: InboundMessage): MessageSubject | undefined {
  const delivery = message.delivery;
  if (!delivery) return undefined;
  return {
    channel: delivery.channel,
    accountId: delivery.accountId,
    chatType: delivery.chatType,
    chatId: delivery.chatId,
    ...(message.senderId !== undefined ? { senderId: message.senderId } : {}),
  };
}

/** The text the model sees: a stranger's message is data, labelled as such. */
function userText(message: InboundMessage, config: Config): string {
  const subject = messageSubject(message);
  if (isOwner(config, subject)) return message.text;
  const who = `${subject?.channel ?? message.channel} ${subject?.chatType ?? ''} message from ${message.senderId ?? 'an unknown sender'} (not the owner)`;
  return wrapUntrusted(message.text, who.replace(/\s+/g, ' '));
}

function userMessage(message: InboundMessage, config: Config): UserMessage {
  return {
    role: 'user',
    content: [
      { type: 'text', text: userText(message, config) },
      ...(message.attachments ?? []).map((image) => ({
        type: 'image' as const,
        mimeType: image.mimeType,
        data: image.data,
      })),
    ],
    timestamp: message.receivedAt,
  };
}

function userEntries(
  runId: string,
  messages: InboundMessage[],
  firstIsRunMessage: boolean,
  config: Config,
) {
  return messages.map((message, index) => ({
    type: 'message' as const,
    // The message that started the run has the run's user id; others (collected or
    // steered in) are told apart by their own message id.
    id:
      index === 0 && firstIsRunMessage
        ? transcriptEntryId.user(runId)
        : `${transcriptEntryId.user(runId)}:${message.messageId}`,
    ts: message.receivedAt,
    runId,
    message: userMessage(message, config),
  }));
}

/** A tool result line for the transcript. */
export function toolResultEntry(
  input: ToolInput,
  text: string,
  isError: boolean,
  details?: unknown,
  images: readonly ImageBlock[] = [],
): MessageEntry {
  return {
    type: 'message',
    id: transcriptEntryId.toolResult(input.runId, input.step, input.toolCallId),
    ts: Date.now(),
    runId: input.runId,
    message: {
      role: 'toolResult',
      toolCallId: input.toolCallId,
      toolName: input.name,
      content: [{ type: 'text', text }],
      ...(images.length > 0 ? { images: [...images] } : {}),
      ...(details !== undefined ? { details } : {}),
      isError,
      timestamp: Date.now(),
    },
  };
}

/** How long a channel tool's call waits for the gateway hosting the channel. */
const channelToolTimeoutMs = 60_000;

/**
 * Each tool's activity policy, as the workflow schedules it. With `host` (a cluster's
 * shared store), host-bound tools go to that host's task queue and fail unrun if no
 * worker of it picks them up in time.
 */
export function toolPolicies(
  placement?: Placement & { owner: string },
  /** The shared task queue: a channel's tools run on `<it>@channel:<channel>`. */
  baseTaskQueue?: string,
  /** Every tool of this worker: the built-in ones and the plugins'. */
  tools: readonly ToolDefinition[] = builtInTools,
): Record<string, ToolActivityPolicy> {
  return Object.fromEntries(
    tools.map((tool) => [
      tool.name,
      {
        ...(tool.policy.channel !== undefined && baseTaskQueue !== undefined
          ? {
              taskQueue: channelToolsTaskQueue(baseTaskQueue, tool.policy.channel),
              scheduleToStartTimeoutMs: channelToolTimeoutMs,
              channel: tool.policy.channel,
            }
          : {}),
        ...(placement && tool.policy.hostBound
          ? {
              taskQueue: hostTaskQueue(placement.taskQueue, placement.owner),
              scheduleToStartTimeoutMs: placement.hostToolTimeoutMs,
            }
          : {}),
        startToCloseTimeoutMs: tool.policy.startToCloseTimeoutMs,
        // A tool that is not idempotent is never retried once it started.
        maximumAttempts: tool.policy.idempotent ? tool.policy.maximumAttempts : 1,
        ...(tool.policy.heartbeatTimeoutMs !== undefined
          ? { heartbeatTimeoutMs: tool.policy.heartbeatTimeoutMs }
          : {}),
        // A host-bound tool of a cluster's session runs on its host's queue, never locally.
        ...(tool.policy.local && !(placement && tool.policy.hostBound) ? { local: true } : {}),
      },
    ]),
  );
}

/** The turn's bookkeeping activities: start, steer, unknown-tool errors, finish. */
export function createTurnActivities({
  config: current,
  store,
  bus,
  placement,
  tools = builtInTools,
  plugins,
  logger,
  client,
}: TurnActivityDeps) {
  /** The turn's access from its messages' senders and the config in force now. */
  const accessOf = (sessionKey: string, messages: InboundMessage[]): TurnAccess =>
    decideTurnAccess({
      config: current(),
      sessionKey,
      subjects: messages.map(messageSubject),
      // A channel's tools are offered only while the channel is configured.
      toolNames: tools
        .filter((tool) => tool.available?.(current()) ?? true)
        .map((tool) => tool.name),
      sandboxProblem: () => sandboxProblem(current().sandbox),
    });
  const onlyAllowed = (
    policies: Record<string, ToolActivityPolicy>,
    access: TurnAccess,
  ): Record<string, ToolActivityPolicy> =>
    Object.fromEntries(Object.entries(policies).filter(([name]) => access.allowed.includes(name)));
  /**
   * The session's id and tools. A shared store places host-bound tools on the owning
   * host; a new session is owned by the host that creates it (or the one asked for).
   */
  const resolve = async (
    sessionKey: string,
    init: { channel: string; host?: string | undefined; messages: InboundMessage[] },
  ): Promise<PreparedTurn> => {
    const session = await store.ensure(sessionKey, {
      channel: init.channel,
      ...(store.shared ? { host: init.host ?? placement.hostId } : {}),
    });
    const access = accessOf(sessionKey, init.messages);
    if (!store.shared)
      return {
        sessionId: session.sessionId,
        tools: onlyAllowed(toolPolicies(undefined, placement.taskQueue, tools), access),
        access,
      };
    // An entry created before the store was shared has no owner: this host serves this
    // turn (not recorded; the next turn's worker decides again).
    const owner = session.host ?? placement.hostId;
    return {
      sessionId: session.sessionId,
      host: owner,
      tools: onlyAllowed(toolPolicies({ ...placement, owner }, placement.taskQueue, tools), access),
      access,
    };
  };

  return {
    /** Tool policies and the workspace session, for a direct tool invocation. */
    async 'tools.policies'(input: { sessionKey: string }): Promise<PreparedTurn> {
      return resolve(input.sessionKey, { channel: 'http', messages: [] });
    },

    /** Resolve the session, record the user message(s), announce the run. */
    async 'turn.prepare'(input: PrepareInput): Promise<PreparedTurn> {
      const reset = await resetIfDue(store, current(), input);
      if (reset && client && hasHook(plugins, 'session_end')) {
        // Its own workflow: the hooks' work (a summary) never holds up this turn. A failed
        // start loses the hooks of this one reset, not the turn.
        await startSessionEndHooks(client, current().temporal.taskQueue, {
          sessionKey: input.sessionKey,
          sessionId: reset.previousSessionId,
          reason: reset.reason,
          endedAt: Date.now(),
        }).catch((error: Error) =>
          logger?.warn(
            `session_end hooks of ${reset.previousSessionId} not started: ${error.message}`,
          ),
        );
      }
      const prepared = await resolve(input.sessionKey, {
        channel: input.messages[0]?.channel ?? 'unknown',
        host: input.host,
        messages: input.messages,
      });
      await store.append(
        { sessionId: prepared.sessionId, sessionKey: input.sessionKey },
        userEntries(input.runId, input.messages, true, current()),
      );
      publishPart(bus, input, { type: 'run-start', startedAt: Date.now() });
      if (!plugins || !logger) return prepared;
      // Run here, in the activity that prepares the turn, so what the hooks added is part
      // of its recorded result and a replay sees the same turn.
      const pluginContext = await runBeforeAgentStart(
        plugins,
        {
          sessionKey: input.sessionKey,
          runId: input.runId,
          agentId: current().agent.id,
          text: input.messages[0]?.text ?? '',
        },
        logger,
      );
      return {
        ...prepared,
        ...(pluginContext !== undefined ? { pluginContext } : {}),
        ...(hasHook(plugins, 'before_tool_call')
          ? { pluginHooks: ['before_tool_call' as const] }
          : {}),
      };
    },

    /** Record messages steered into a running turn, before its next LLM call. */
    async 'turn.appendMessages'(
      input: TurnRef & { step: number; messages: InboundMessage[] },
    ): Promise<void> {
      await store.append(
        { sessionId: input.sessionId, sessionKey: input.sessionKey },
        userEntries(input.runId, input.messages, false, current()),
      );
    },

    /**
     * Record a tool result the workflow produced itself (an unknown tool, a tool that failed
     * past its retries, a workflow tool such as sessions_spawn) and tell clients.
     */
    async 'turn.recordToolResult'(
      input: ToolInput & { text: string; isError: boolean },
    ): Promise<ToolOutput> {
      await store.append({ sessionId: input.sessionId, sessionKey: input.sessionKey }, [
        toolResultEntry(input, input.text, input.isError),
      ]);
      publishPart(bus, input, {
        type: 'tool-start',
        step: input.step,
        toolCallId: input.toolCallId,
        name: input.name,
        args: input.args,
      });
      publishPart(bus, input, {
        type: 'tool-result',
        step: input.step,
        toolCallId: input.toolCallId,
        name: input.name,
        result: { text: input.text },
        isError: input.isError,
      });
      return { isError: input.isError, text: input.text };
    },

    /** Publish a part the workflow produced (approval requests and decisions). */
    async 'turn.publish'(input: TurnRef & { part: RunPart }): Promise<void> {
      publishPart(bus, input, input.part);
      return Promise.resolve();
    },

    /** Validate a workflow tool's arguments with its schema (workflow code cannot run zod). */
    'tools.validate'(input: {
      name: string;
      args: Record<string, unknown>;
    }): Promise<{ ok: true; args: Record<string, unknown> } | { ok: false; text: string }> {
      const tool = tools.find((candidate) => candidate.name === input.name);
      if (!tool) return Promise.resolve({ ok: false, text: `Unknown tool "${input.name}".` });
      const parsed = tool.inputSchema.safeParse(input.args ?? {});
      if (parsed.success) return Promise.resolve({ ok: true, args: parsed.data });
      const issues = parsed.error.issues.map(
        (issue) => `- ${issue.path.join('.') || '(arguments)'}: ${issue.message}`,
      );
      return Promise.resolve({
        ok: false,
        text: `Invalid arguments for ${input.name}:\n${issues.join('\n')}`,
      });
    },

    /**
     * Record how the turn ended, update the session's token counts, announce the end.
     * `recorded` (in-process callers only: the LLM step that ends the turn) is the turn's
     * last transcript write, still under way: the index is updated meanwhile, and the hooks
     * run once both are done, so they see the whole turn.
     */
    async 'turn.finish'(
      input: FinishInput,
      recorded?: Promise<unknown>,
    ): Promise<{ text: string; announcement?: RunPart }> {
      const sessionId = input.sessionId || (await store.ensure(input.sessionKey)).sessionId;
      const session = { sessionId, sessionKey: input.sessionKey };
      let final: AssistantMessage | undefined = input.last;
      if (input.status === 'ok' && input.stepLimit !== undefined) {
        final = {
          role: 'assistant',
          content: [
            {
              type: 'text',
              text: `I stopped after ${input.stepLimit} steps: that is the step limit for one turn (agent.maxSteps). Tell me to continue if you want me to go on.`,
            },
          ],
          api: input.last?.api ?? 'openai-completions',
          provider: 'clawdbot',
          model: input.last?.model ?? 'step-limit',
          usage: zeroUsage(),
          stopReason: 'length',
          timestamp: Date.now(),
        };
        await store.append(session, [
          { type: 'message', id: `${input.runId}:step-limit`, runId: input.runId, message: final },
        ]);
        publishPart(bus, input, {
          type: 'message-final',
          step: input.stepLimit + 1,
          message: final,
        });
      } else if (input.status === 'aborted') {
        await store.append(session, [
          {
            type: 'abort',
            id: transcriptEntryId.abort(input.runId),
            runId: input.runId,
            reason: 'aborted by the user',
          },
        ]);
      } else if (input.status === 'error') {
        await store.append(session, [
          {
            type: 'error',
            id: transcriptEntryId.error(input.runId),
            runId: input.runId,
            message: input.errorMessage ?? 'unknown error',
          },
        ]);
      }
      await Promise.all([
        recorded,
        store.touch(input.sessionKey, {
          sessionId,
          tokens: {
            input: input.usage.input,
            output: input.usage.output,
            total: input.usage.totalTokens,
            cacheRead: input.usage.cacheRead,
            cacheWrite: input.usage.cacheWrite,
          },
        }),
      ]);
      const text = final
        ? final.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('')
        : '';
      const end: RunPart = {
        type: 'run-finish',
        endedAt: Date.now(),
        status: input.status,
        usage: input.usage,
        ...(final ? { message: final } : {}),
        ...(input.errorMessage !== undefined ? { errorMessage: input.errorMessage } : {}),
      };
      if (plugins && logger) {
        await runObservingHook(
          plugins,
          'agent_end',
          {
            sessionKey: input.sessionKey,
            runId: input.runId,
            status: input.status,
            ...(input.errorMessage !== undefined ? { error: input.errorMessage } : {}),
          },
          logger,
        );
      }
      if (input.announce === false) return { text, announcement: end };
      publishPart(bus, input, end);
      return { text };
    },
  };
}
