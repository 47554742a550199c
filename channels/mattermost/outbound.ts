/**
 * Outbound calls of one Mattermost account through @mattermost/client's Client4: posts in
 * the thread of the triggering post (channels) with a `pending_post_id` derived from the
 * delivery id — the server returns the existing post for a pending id it already took, so
 * a retried create does not post twice — files uploaded then attached, and typing over
 * the WebSocket.
 */
import { createHash } from 'node:crypto';
import type { Client4 } from '@mattermost/client';
import { readMediaSource } from '../shared/read-media-source.js';
import type { DeliveryTarget, SendMediaInput, SendTextInput, SentMessage } from '../types.js';
import { toSendError } from './send-error.js';

/** The pending post id of a delivery: stable across retries and processes. */
export function pendingPostIdOf(botId: string, deliveryId: string): string {
  return `${botId}:clawdbot-${createHash('sha256').update(deliveryId).digest('hex').slice(0, 24)}`;
}

/** The thread a reply goes in: the post's thread, or (in channels) the post itself. */
export function rootIdOf(target: DeliveryTarget): string | undefined {
  if (target.threadId) return target.threadId;
  if (target.chatType !== 'direct' && target.platformMessageId) return target.platformMessageId;
  return undefined;
}

/** Outbound operations of one account. */
export class MattermostOutbound {
  constructor(
    private readonly client: Client4,
    private readonly botId: string,
    private readonly sendAction: (action: string, data: Record<string, unknown>) => boolean,
  ) {}

  private async post(
    target: DeliveryTarget,
    message: string,
    deliveryId: string,
    fileIds?: string[],
  ): Promise<SentMessage> {
    const rootId = rootIdOf(target);
    try {
      const post = await this.client.createPost({
        channel_id: target.chatId,
        message,
        pending_post_id: pendingPostIdOf(this.botId, deliveryId),
        ...(rootId ? { root_id: rootId } : {}),
        ...(fileIds ? { file_ids: fileIds } : {}),
      });
      return { platformMessageId: post.id };
    } catch (error) {
      throw toSendError(error, 'create post');
    }
  }

  /** One chunk (Mattermost renders Markdown itself). */
  sendText(input: SendTextInput): Promise<SentMessage> {
    return this.post(input.target, input.text, input.deliveryId);
  }

  /** Upload the file to the channel, then a post carrying it (and the caption). */
  async sendMedia(input: SendMediaInput): Promise<SentMessage> {
    const media = await readMediaSource(input.source);
    const form = new FormData();
    form.append('channel_id', input.target.chatId);
    form.append(
      'files',
      new Blob([new Uint8Array(media.bytes)], { type: media.mimeType }),
      media.fileName,
    );
    let fileId: string;
    try {
      const uploaded = await this.client.uploadFile(form);
      const info = uploaded.file_infos[0];
      if (!info) throw new Error('the server returned no file info');
      fileId = info.id;
    } catch (error) {
      throw toSendError(error, 'upload file');
    }
    return this.post(input.target, input.caption ?? '', input.deliveryId, [fileId]);
  }

  /** "typing…" (user_typing over the WebSocket; nothing when it is down). */
  sendTyping(target: DeliveryTarget): Promise<void> {
    this.sendAction('user_typing', {
      channel_id: target.chatId,
      parent_id: rootIdOf(target) ?? '',
    });
    return Promise.resolve();
  }
}
