/**
 * Outbound calls of one BlueBubbles account: text (`/api/v1/message/text`), files
 * (`/api/v1/message/attachment`, multipart) and tapbacks (`/api/v1/message/react`). Each
 * send carries a `tempGuid` derived from the delivery id, the server's handle on a send
 * in flight, so a retried chunk is the same send to it.
 */
import { createHash } from 'node:crypto';
import { readMediaSource } from '../../channels/shared/read-media-source.js';
import type {
  DeliveryTarget,
  SendMediaInput,
  SendTextInput,
  SentMessage,
} from '../../channels/types.js';
import type { BlueBubblesClient } from './rest-client.js';

/** A stable GUID-shaped tempGuid for a delivery id. */
export function tempGuidOf(deliveryId: string): string {
  const hex = createHash('sha256').update(deliveryId).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** What the server answers for a sent message. */
interface SentData {
  guid?: string;
}

/** Outbound operations of one account. */
export class BlueBubblesOutbound {
  constructor(
    private readonly client: BlueBubblesClient,
    private readonly method: 'apple-script' | 'private-api',
  ) {}

  /** One chunk of plain text; quoting needs the Private API. */
  async sendText(input: SendTextInput): Promise<SentMessage> {
    const quote =
      this.method === 'private-api' && input.replyToMessageId
        ? { selectedMessageGuid: input.replyToMessageId, partIndex: 0 }
        : {};
    const data = await this.client.request<SentData>('POST', '/api/v1/message/text', {
      chatGuid: input.target.chatId,
      tempGuid: tempGuidOf(input.deliveryId),
      message: input.text,
      method: this.method,
      ...quote,
    });
    return { platformMessageId: data?.guid ?? tempGuidOf(input.deliveryId) };
  }

  /** One file, then its caption as a message of its own (the endpoint takes no text). */
  async sendMedia(input: SendMediaInput): Promise<SentMessage> {
    const media = await readMediaSource(input.source);
    const form = new FormData();
    form.append('chatGuid', input.target.chatId);
    form.append('tempGuid', tempGuidOf(input.deliveryId));
    form.append('name', media.fileName);
    form.append('method', this.method);
    form.append(
      'attachment',
      new Blob([new Uint8Array(media.bytes)], { type: media.mimeType }),
      media.fileName,
    );
    const data = await this.client.request<SentData>('POST', '/api/v1/message/attachment', form);
    if (input.caption) {
      await this.sendText({
        target: input.target,
        text: input.caption,
        formatted: false,
        deliveryId: `${input.deliveryId}:caption`,
      });
    }
    return { platformMessageId: data?.guid ?? tempGuidOf(input.deliveryId) };
  }

  /** Put a tapback on a message. */
  async react(target: DeliveryTarget, messageGuid: string, reaction: string): Promise<void> {
    await this.client.request('POST', '/api/v1/message/react', {
      chatGuid: target.chatId,
      selectedMessageGuid: messageGuid,
      reaction,
      partIndex: 0,
    });
  }
}
