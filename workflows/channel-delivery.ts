/**
 * The workflow side of durable channel delivery: a turn whose message came from a
 * messaging channel hands its reply to the `channel.deliver` activity, on the task queue
 * of the process that hosts that channel account (channels/runtime serves it). The
 * activity is retried without limit and without a schedule-to-start timeout: while the
 * gateway is down the reply waits in Temporal and goes out once it is back.
 */
import { ActivityFailure, ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';
import type { DeliveryTarget, InboundMessage, TurnResult } from './types.js';

/** Input of the `channel.deliver` activity. */
export interface ChannelDeliverInput {
  sessionKey: string;
  sessionId: string;
  runId: string;
  target: DeliveryTarget;
  /** The reply as the model wrote it (Markdown, possibly with `MEDIA:` lines). */
  text: string;
  /** A sandboxed stranger's session: `MEDIA:` files come from its sandbox workspace only. */
  workspaceId?: string;
  /**
   * Set for a message tool send: delivery ids and `delivery` entries are keyed by `key`
   * (`<runId>:<step>:<toolCallId>`) rather than the run, so a retried call sends nothing
   * twice and a turn's reply and its tool sends never mistake each other's pieces. The
   * first piece quotes `replyTo` when set; replyToMode and drafts do not apply.
   */
  toolSend?: { key: string; replyTo?: string };
}

/** What `channel.deliver` reports: pieces sent now, and those a previous attempt had sent. */
export interface ChannelDeliverResult {
  sent: number;
  skipped: number;
  /** The platform ids of the pieces that went out (this attempt's and earlier ones'), in order. */
  messageIds?: string[];
}

/** The activity, as workflows see it (types only). */
export interface ChannelDeliverActivities {
  'channel.deliver'(input: ChannelDeliverInput): Promise<ChannelDeliverResult>;
}

/** Error type of a delivery the platform refused for good (a 4xx other than 429). */
export const channelRejectedErrorType = 'ChannelRejected';

/**
 * The task queue served by the process hosting one channel account. Workflows compute it
 * from their own task queue (workflowInfo().taskQueue); the channel runtime from config.
 */
export function channelTaskQueue(baseTaskQueue: string, channel: string, accountId: string) {
  return `${baseTaskQueue}@channel:${channel}:${accountId}`;
}

/**
 * The task queue of a channel's own tools (telegram_actions...), served by the gateway
 * process hosting the channel's accounts; the tool picks the account from its input.
 */
export function channelToolsTaskQueue(baseTaskQueue: string, channel: string) {
  return `${baseTaskQueue}@channel:${channel}`;
}

/** The reply's destination: the latest message of the turn that came from a channel. */
export function deliveryTargetOf(messages: InboundMessage[]): DeliveryTarget | undefined {
  for (let index = messages.length - 1; index >= 0; index--) {
    const delivery = messages[index]!.delivery;
    if (delivery) return delivery;
  }
  return undefined;
}

/** The text a channel user gets for a turn: its reply, or what went wrong. */
export function replyTextOf(
  status: TurnResult['status'],
  text: string,
  errorMessage: string | undefined,
): string {
  if (status === 'aborted') return '';
  if (text.trim() !== '') return text;
  // A failed turn that produced nothing still answers: a silent bot is what users of other
  // assistants complain about most.
  if (status === 'error') return `Sorry, I could not answer: ${errorMessage ?? 'unknown error'}`;
  return '';
}

/**
 * Deliver a finished turn's reply to the channel its message came from (no-op for turns
 * from WebChat, the HTTP API and the like). A platform refusal is recorded in the
 * transcript by the activity and does not fail the turn.
 */
export async function deliverReply(options: {
  taskQueue: string;
  sessionKey: string;
  sessionId: string;
  runId: string;
  messages: InboundMessage[];
  status: TurnResult['status'];
  text: string;
  errorMessage?: string;
  workspaceId?: string;
}): Promise<void> {
  const target = deliveryTargetOf(options.messages);
  const text = replyTextOf(options.status, options.text, options.errorMessage);
  if (!target || text === '' || options.sessionId === '') return;
  const activities = proxyActivities<ChannelDeliverActivities>({
    taskQueue: channelTaskQueue(options.taskQueue, target.channel, target.accountId),
    // One attempt sends every chunk; a dead gateway is noticed through the heartbeat.
    startToCloseTimeout: '5m',
    heartbeatTimeout: '30s',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '60s',
      nonRetryableErrorTypes: [channelRejectedErrorType],
    },
  });
  try {
    await activities['channel.deliver']({
      sessionKey: options.sessionKey,
      sessionId: options.sessionId,
      runId: options.runId,
      target,
      text,
      ...(options.workspaceId !== undefined ? { workspaceId: options.workspaceId } : {}),
    });
  } catch (error) {
    const cause = error instanceof ActivityFailure ? error.cause : error;
    if (cause instanceof ApplicationFailure && cause.type === channelRejectedErrorType) {
      log.warn('channel refused the reply', { runId: options.runId, error: cause.message });
      return;
    }
    throw error;
  }
}
