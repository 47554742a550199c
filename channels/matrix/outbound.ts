/**
 * Outbound calls of one Matrix account through matrix-js-sdk: `m.room.message` text with
 * `formatted_body` HTML, media uploaded to the media repository, typing and read markers.
 * Every send uses a transaction id derived from the delivery id: the client-server API's
 * own idempotency key, so a retried send of the same chunk is deduplicated by the
 * homeserver instead of appearing twice.
 */
import { createHash } from 'node:crypto';
import { EventType, type MatrixClient } from 'matrix-js-sdk';
import { markdownToMatrixHtml } from '../shared/markdown-matrix.js';
import { readMediaSource } from '../shared/read-media-source.js';
import type { DeliveryTarget, SendMediaInput, SendTextInput, SentMessage } from '../types.js';
import type { MatrixAccount } from './config.js';
import { toSendError } from './send-error.js';

/** The transaction id of a delivery: stable, and within the URL-safe characters. */
export function txnIdOf(deliveryId: string): string {
  return `clawdbot-${createHash('sha256').update(deliveryId).digest('base64url').slice(0, 32)}`;
}

/** The thread a reply goes to, per threadReplies. */
function threadOf(
  target: DeliveryTarget,
  threadReplies: MatrixAccount['threadReplies'],
): string | undefined {
  if (threadReplies === 'off') return undefined;
  if (target.threadId !== undefined) return target.threadId;
  if (threadReplies === 'always' && target.chatType !== 'direct' && target.platformMessageId) {
    return target.platformMessageId;
  }
  return undefined;
}

/** `m.relates_to` for a message in a thread and/or replying to another. */
function relationFor(thread: string | undefined, replyTo: string | undefined) {
  if (thread !== undefined) {
    // Threaded clients show the thread; others see a reply to the event (the fallback).
    return {
      'm.relates_to': {
        rel_type: 'm.thread',
        event_id: thread,
        is_falling_back: replyTo === undefined,
        'm.in_reply_to': { event_id: replyTo ?? thread },
      },
    };
  }
  if (replyTo !== undefined) return { 'm.relates_to': { 'm.in_reply_to': { event_id: replyTo } } };
  return {};
}

/** Outbound operations of one account. */
export class MatrixOutbound {
  constructor(
    private readonly client: MatrixClient,
    private readonly threadReplies: MatrixAccount['threadReplies'],
  ) {}

  private async send(
    roomId: string,
    content: Record<string, unknown>,
    deliveryId: string,
    what: string,
  ): Promise<SentMessage> {
    try {
      // Thread relations are set by us (null thread id), so the SDK adds none of its own.
      const response = await this.client.sendEvent(
        roomId,
        null,
        EventType.RoomMessage,
        content as never,
        txnIdOf(deliveryId),
      );
      return { platformMessageId: response.event_id };
    } catch (error) {
      throw toSendError(error, what);
    }
  }

  /** One text chunk: Markdown as `body`, its HTML as `formatted_body` when formatted. */
  sendText(input: SendTextInput): Promise<SentMessage> {
    const thread = threadOf(input.target, this.threadReplies);
    const content = {
      msgtype: 'm.text',
      body: input.text,
      ...(input.formatted
        ? { format: 'org.matrix.custom.html', formatted_body: markdownToMatrixHtml(input.text) }
        : {}),
      ...relationFor(thread, input.replyToMessageId),
    };
    return this.send(input.target.chatId, content, input.deliveryId, 'send');
  }

  /** Upload to the media repository, then an m.image / m.file / m.audio / m.video event. */
  async sendMedia(input: SendMediaInput): Promise<SentMessage> {
    const media = await readMediaSource(input.source);
    let uri: string;
    try {
      const uploaded = await this.client.uploadContent(new Uint8Array(media.bytes), {
        name: media.fileName,
        type: media.mimeType,
      });
      uri = uploaded.content_uri;
    } catch (error) {
      throw toSendError(error, 'upload');
    }
    const msgtype = {
      image: 'm.image',
      audio: 'm.audio',
      video: 'm.video',
      file: 'm.file',
    }[input.kind];
    const caption = input.caption?.trim();
    const content = {
      msgtype,
      // Matrix 1.10: with `filename` set, `body` is the caption.
      body: caption || media.fileName,
      filename: media.fileName,
      url: uri,
      info: { mimetype: media.mimeType, size: media.bytes.length },
      ...relationFor(threadOf(input.target, this.threadReplies), input.replyToMessageId),
    };
    return this.send(input.target.chatId, content, input.deliveryId, 'send media');
  }

  /** "typing…" for 30 s (the runtime refreshes it while the turn runs). */
  async sendTyping(target: DeliveryTarget): Promise<void> {
    try {
      await this.client.sendTyping(target.chatId, true, 30_000);
    } catch (error) {
      throw toSendError(error, 'typing');
    }
  }

  /** Typing off (the reply is out). */
  async stopTyping(roomId: string): Promise<void> {
    await this.client.sendTyping(roomId, false, 0).catch(() => undefined);
  }

  /** Read receipt and fully-read marker at a handled message. */
  async markRead(roomId: string, eventId: string): Promise<void> {
    await this.client.setRoomReadMarkersHttpRequest(roomId, eventId, eventId);
  }
}
