/**
 * The message tool, run by the turn workflow: an activity decides where the call may go
 * (`message.plan`: the target, the session's binding to its own chat, tools.message), then
 * a send is the same durable `channel.deliver` activity as a reply, on the task queue of
 * the process hosting the account, with delivery ids from the tool call — a retried call
 * never posts twice. Reactions, edits, deletes and reads are `channel.action` there.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  TimeoutFailure,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { MessageArgs } from '../activities/tools/message.js';
import {
  channelRejectedErrorType,
  channelTaskQueue,
  type ChannelDeliverActivities,
} from './channel-delivery.js';
import type { DeliveryTarget } from './types.js';
import type { WorkflowToolContext } from './workflow-tools.js';

/** Input of `message.plan`. */
export interface MessagePlanInput {
  sessionKey: string;
  args: MessageArgs;
  /** The chat the turn's message came from: the tool is bound to it. */
  origin?: DeliveryTarget;
}

/** Where the call goes, or why it may not. */
export type MessagePlan =
  | { ok: false; text: string }
  | {
      ok: true;
      target: DeliveryTarget;
      /** "telegram chat 123", for the model's result. */
      label: string;
      /** reply: the message quoted. */
      replyTo?: string;
    };

/** Input of `channel.action` (the message tool's react, edit, delete, read). */
export interface ChannelActionInput {
  target: DeliveryTarget;
  action: 'react' | 'edit' | 'delete' | 'read';
  messageId?: string;
  emoji?: string;
  remove?: boolean;
  text?: string;
  limit?: number;
}

/** What `channel.action` answers: text for the model. */
export interface ChannelActionResult {
  ok: boolean;
  text: string;
}

/** The activity on the account's task queue, as workflows see it. */
export interface ChannelActionActivities {
  'channel.action'(input: ChannelActionInput): Promise<ChannelActionResult>;
}

const { 'message.plan': planMessage } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '500ms', maximumAttempts: 3 },
});

// A gateway that is down makes the model wait this long, not forever: it is told instead.
const reachGateway = '60s';

function failureText(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof TimeoutFailure)
    return 'no gateway process hosting that channel account answered (is the gateway running?)';
  return cause instanceof Error ? cause.message : String(error);
}

/** message: plan, then deliver or act on the account's own task queue. */
export async function messageTool(
  rawArgs: Record<string, unknown>,
  context: WorkflowToolContext,
): Promise<{ text: string; isError: boolean }> {
  const args = rawArgs as MessageArgs;
  const { ref } = context;
  const plan = await planMessage({
    sessionKey: ref.sessionKey,
    args,
    ...(context.origin ? { origin: context.origin } : {}),
  });
  if (!plan.ok) return { text: plan.text, isError: true };
  const taskQueue = channelTaskQueue(
    workflowInfo().taskQueue,
    plan.target.channel,
    plan.target.accountId,
  );
  const action = args.action;
  if (action === 'send' || action === 'reply') {
    const deliver = proxyActivities<ChannelDeliverActivities>({
      taskQueue,
      scheduleToStartTimeout: reachGateway,
      startToCloseTimeout: '2m',
      heartbeatTimeout: '30s',
      retry: {
        initialInterval: '1s',
        maximumInterval: '10s',
        maximumAttempts: 5,
        nonRetryableErrorTypes: [channelRejectedErrorType],
      },
    });
    const text = [args.text ?? '', ...(args.media ?? []).map((source) => `MEDIA:${source}`)]
      .filter((line) => line !== '')
      .join('\n');
    try {
      const result = await deliver['channel.deliver']({
        sessionKey: ref.sessionKey,
        sessionId: ref.sessionId,
        runId: ref.runId,
        target: plan.target,
        text,
        ...(context.workspaceId !== undefined ? { workspaceId: context.workspaceId } : {}),
        toolSend: {
          // The step too: scripted or provider tool call ids may repeat across steps.
          key: `${ref.runId}:${context.call.step}:${context.call.id}`,
          ...(plan.replyTo !== undefined ? { replyTo: plan.replyTo } : {}),
        },
      });
      const ids = result.messageIds ?? [];
      return {
        text: `Sent to ${plan.label}${ids.length > 0 ? ` (message id ${ids.join(', ')})` : ''}.`,
        isError: false,
      };
    } catch (error) {
      const cause = error instanceof ActivityFailure ? error.cause : error;
      const refused =
        cause instanceof ApplicationFailure && cause.type === channelRejectedErrorType;
      return {
        text: refused
          ? `${plan.target.channel} refused the message: ${cause.message}`
          : `The message to ${plan.label} was not sent: ${failureText(error)}`,
        isError: true,
      };
    }
  }
  const act = proxyActivities<ChannelActionActivities>({
    taskQueue,
    scheduleToStartTimeout: reachGateway,
    startToCloseTimeout: '30s',
    // A reaction or an edit done twice is done once; a read is a read.
    retry: { initialInterval: '1s', maximumAttempts: 3 },
  });
  try {
    const result = await act['channel.action']({
      target: plan.target,
      action,
      ...(args.messageId !== undefined ? { messageId: args.messageId } : {}),
      ...(args.emoji !== undefined ? { emoji: args.emoji } : {}),
      ...(args.remove !== undefined ? { remove: args.remove } : {}),
      ...(args.text !== undefined ? { text: args.text } : {}),
      ...(args.limit !== undefined ? { limit: args.limit } : {}),
    });
    return { text: result.text, isError: !result.ok };
  } catch (error) {
    return { text: `message ${action} failed: ${failureText(error)}`, isError: true };
  }
}
