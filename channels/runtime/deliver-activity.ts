import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
/**
 * The `channel.deliver` activity: one finished reply → the platform, chunk by chunk, each
 * chunk sent at most once across retries. A chunk counts as sent once its `delivery` entry
 * is in the session's transcript (the sessions store every process of a cluster shares),
 * written right after the platform accepted it; a retried attempt skips recorded chunks.
 * What remains is the instant between the platform's answer and that write: a crash there
 * re-sends one chunk (platforms with an idempotency key get `deliveryId` to close it).
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from '../../core/logger.js';
import {
  transcriptEntryId,
  type DeliveryEntry,
  type SessionStore,
  type TranscriptEntry,
} from '../../core/sessions/index.js';
import {
  channelRejectedErrorType,
  type ChannelDeliverInput,
  type ChannelDeliverResult,
} from '../../workflows/channel-delivery.js';
import { chunkFormatted } from '../shared/chunk.js';
import { extractMediaLines } from '../shared/media.js';
import { safeMediaSource, type MediaSourceOptions } from './media-source.js';
import {
  ChannelSendError,
  type ChannelAccountHandle,
  type ChannelPlugin,
  type CommonAccountOptions,
  type SentMessage,
} from '../types.js';

/** A running account as delivery needs it. */
export interface DeliveryAccount {
  plugin: ChannelPlugin;
  options: CommonAccountOptions;
  handle: ChannelAccountHandle;
  /** Note a successful send (status: lastOutboundAt). */
  onSent(): void;
}

/** What the activity needs from the process hosting the account. */
export interface DeliverActivityDeps {
  store: SessionStore;
  logger: Logger;
  /** The running account, or undefined while it is not (the attempt then fails and is retried). */
  account(): DeliveryAccount | undefined;
  /**
   * The draft message this process streamed for a run (Telegram streamMode 'partial'), to
   * be edited into chunk 0 instead of sending a new message; undefined when there is none.
   */
  takeDraft?(runId: string): Promise<string | undefined>;
  /** Where `MEDIA:` files may come from (the workspace) and which private hosts URLs may name. */
  media: MediaSourceOptions;
}

/** Where a reply's files may come from: the session's sandbox workspace when it has one. */
function mediaOptions(media: MediaSourceOptions, workspaceId: string | undefined) {
  if (workspaceId === undefined) return media;
  const sandboxes = media.sandboxesDir ?? join(dirname(media.workspaceDir), 'sandboxes');
  const workspaceDir = join(sandboxes, workspaceId);
  // A session that never ran a tool has no workspace yet: an empty one refuses every file.
  mkdirSync(workspaceDir, { recursive: true });
  return { ...media, workspaceDir };
}

/** One piece of a reply, in send order: text chunks first, then media. */
type Piece =
  | { kind: 'text'; text: string; formatted: boolean; plain: string }
  | { kind: 'media'; source: string; media: 'image' | 'file' | 'audio' | 'video' };

/** Split a reply into the pieces sent, deterministically (a retry computes the same list). */
export function replyPieces(
  text: string,
  limit: number,
  format: (markdown: string) => string,
): Piece[] {
  const { text: body, media } = extractMediaLines(text);
  // Remember each formatted piece's Markdown: the plain-text fallback sends that.
  const sources = new Map<string, string>();
  const chunks =
    body.trim() === ''
      ? []
      : chunkFormatted(body, limit, (markdown) => {
          const formatted = format(markdown);
          sources.set(formatted, markdown);
          return formatted;
        });
  return [
    ...chunks.map((chunk): Piece => ({
      kind: 'text',
      text: chunk.text,
      formatted: chunk.formatted,
      plain: chunk.formatted ? (sources.get(chunk.text) ?? chunk.text) : chunk.text,
    })),
    ...media.map((item): Piece => ({ kind: 'media', source: item.source, media: item.kind })),
  ];
}

/** Indexes of the pieces of a run already recorded as sent (or refused) in the transcript. */
async function recordedPieces(store: SessionStore, input: ChannelDeliverInput) {
  // A run's deliveries come after its user message: read the tail back until that message
  // is in the window (usually the first, small read), so a long transcript costs no more.
  const userEntryId = transcriptEntryId.user(input.runId);
  let entries: TranscriptEntry[] = [];
  for (let limit = 64; limit <= 65_536; limit *= 4) {
    entries = await store.readEntries(input.sessionId, { limit });
    if (entries.length < limit || entries.some((entry) => entry.id === userEntryId)) break;
  }
  const key = deliveryKey(input);
  const done = new Map<number, DeliveryEntry>();
  for (const entry of entries) {
    // By id, not runId: a turn's reply and the message tool's sends share the run.
    if (entry.type === 'delivery' && entry.id === transcriptEntryId.delivery(key, entry.index))
      done.set(entry.index, entry);
  }
  return done;
}

/** What a delivery's ids are derived from: the run (a reply) or the tool call (a send). */
function deliveryKey(input: ChannelDeliverInput): string {
  return input.toolSend?.key ?? input.runId;
}

function deliveryEntry(
  input: ChannelDeliverInput,
  index: number,
  outcome: { platformMessageId: string } | { error: string },
): Omit<DeliveryEntry, 'ts'> {
  return {
    type: 'delivery',
    id: transcriptEntryId.delivery(deliveryKey(input), index),
    runId: input.runId,
    channel: input.target.channel,
    accountId: input.target.accountId,
    chatId: input.target.chatId,
    index,
    ...('error' in outcome
      ? { status: 'failed' as const, error: outcome.error }
      : { status: 'sent' as const, platformMessageId: outcome.platformMessageId }),
  };
}

/** Turn a platform error into the failure Temporal should see. */
function failureOf(error: unknown): Error {
  if (!(error instanceof ChannelSendError)) return error as Error;
  if (error.options.retryAfterMs !== undefined) {
    // Honour the platform's retry_after instead of our own backoff.
    return ApplicationFailure.create({
      message: error.message,
      type: 'ChannelRateLimited',
      nextRetryDelay: Math.max(1, error.options.retryAfterMs),
    });
  }
  return error;
}

/** The `channel.deliver` activity of one account. */
export function createDeliverActivity(deps: DeliverActivityDeps) {
  return {
    async 'channel.deliver'(input: ChannelDeliverInput): Promise<ChannelDeliverResult> {
      const account = deps.account();
      if (!account) {
        throw ApplicationFailure.retryable(
          `channel ${input.target.channel} account ${input.target.accountId} is not running here yet`,
          'ChannelNotRunning',
        );
      }
      const { plugin, options } = account;
      const limit = options.textChunkLimit ?? plugin.textChunkLimit;
      const pieces = replyPieces(input.text, limit, (markdown) => plugin.formatText(markdown));
      const done = await recordedPieces(deps.store, input);
      const session = { sessionId: input.sessionId, sessionKey: input.sessionKey };
      let sent = 0;
      const messageIds: string[] = [];
      const replyTo = (index: number) => {
        if (!plugin.capabilities.reply) return {};
        if (input.toolSend) {
          const quoted = input.toolSend.replyTo;
          return index === 0 && quoted !== undefined ? { replyToMessageId: quoted } : {};
        }
        return options.replyToMode === 'all' || (options.replyToMode === 'first' && index === 0)
          ? { replyToMessageId: input.target.platformMessageId }
          : {};
      };
      for (const [index, piece] of pieces.entries()) {
        const recorded = done.get(index);
        if (recorded) {
          if (recorded.platformMessageId !== undefined) messageIds.push(recorded.platformMessageId);
          continue;
        }
        Context.current().heartbeat({ index });
        const deliveryId = `${deliveryKey(input)}:${index}`;
        let result: SentMessage;
        try {
          result = await sendPiece(deps, account, input, piece, index, deliveryId, replyTo(index));
        } catch (error) {
          if (
            error instanceof ChannelSendError &&
            !error.options.retryable &&
            error.options.retryAfterMs === undefined
          ) {
            // The platform refused for good: keep its own words in the transcript.
            await deps.store.append(session, [
              deliveryEntry(input, index, { error: error.message }),
            ]);
            deps.logger.warn(`delivery refused by ${plugin.id}: ${error.message}`, {
              runId: input.runId,
              index,
            });
            throw ApplicationFailure.nonRetryable(error.message, channelRejectedErrorType);
          }
          throw failureOf(error);
        }
        await deps.store.append(session, [deliveryEntry(input, index, result)]);
        account.onSent();
        messageIds.push(result.platformMessageId);
        sent++;
      }
      return { sent, skipped: pieces.length - sent, messageIds };
    },
  };
}

async function sendPiece(
  deps: DeliverActivityDeps,
  account: DeliveryAccount,
  input: ChannelDeliverInput,
  piece: Piece,
  index: number,
  deliveryId: string,
  reply: { replyToMessageId?: string },
): Promise<SentMessage> {
  const { handle } = account;
  const target = input.target;
  if (piece.kind === 'media') {
    return handle.sendMedia({
      target,
      source: await safeMediaSource(piece.source, mediaOptions(deps.media, input.workspaceId)),
      kind: piece.media,
      deliveryId,
      ...reply,
    });
  }
  if (index === 0 && handle.editText && deps.takeDraft && !input.toolSend) {
    const draft = await deps.takeDraft(input.runId);
    if (draft !== undefined) {
      try {
        await handle.editText(target, draft, piece.text, { formatted: piece.formatted });
        return { platformMessageId: draft };
      } catch (error) {
        // The draft is gone or the edit was refused: send the chunk as a new message.
        deps.logger.debug(`draft edit failed: ${(error as Error).message}`);
      }
    }
  }
  try {
    return await handle.sendText({
      target,
      text: piece.text,
      formatted: piece.formatted,
      deliveryId,
      ...reply,
    });
  } catch (error) {
    if (!(error instanceof ChannelSendError) || !error.options.formatting || !piece.formatted)
      throw error;
    // The platform rejected our formatting (a parse error): the words matter more.
    return handle.sendText({ target, text: piece.plain, formatted: false, deliveryId, ...reply });
  }
}
