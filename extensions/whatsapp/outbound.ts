/**
 * Outbound calls of one WhatsApp account. Text goes as a text message quoting the message
 * it answers (per replyToMode); media from a URL goes by `link` (Meta fetches it), a local
 * file is uploaded first and sent by media id. The Cloud API has no idempotency key: the
 * channel runtime's delivery entries keep a retried chunk from going out twice.
 */
import { readMediaSource } from '../../channels/shared/read-media-source.js';
import type {
  DeliveryTarget,
  SendMediaInput,
  SendTextInput,
  SentMessage,
} from '../../channels/types.js';
import type { GraphApi, OutgoingMessage } from './graph-api.js';

/** WhatsApp's text body limit is 4096; chunks stay under 4000 like the other channels. */
export const WHATSAPP_TEXT_LIMIT = 4000;

/** Caption limit of media messages. */
const CAPTION_LIMIT = 1024;

const MESSAGE_TYPE = { image: 'image', audio: 'audio', video: 'video', file: 'document' } as const;

/** Outbound operations of one account. */
export class WhatsAppOutbound {
  constructor(private readonly api: GraphApi) {}

  /** One text chunk (already in WhatsApp's markup, within the limit). */
  async sendText(input: SendTextInput): Promise<SentMessage> {
    const message: OutgoingMessage = {
      type: 'text',
      text: { body: input.text.slice(0, 4096), preview_url: false },
    };
    const id = await this.api.sendMessage(input.target.chatId, message, input.replyToMessageId);
    return { platformMessageId: id };
  }

  /** One image, audio, video or document. */
  async sendMedia(input: SendMediaInput): Promise<SentMessage> {
    const type = MESSAGE_TYPE[input.kind];
    let media: Record<string, unknown>;
    if (/^https?:\/\//i.test(input.source)) {
      media = { link: input.source };
      if (type === 'document')
        media.filename = new URL(input.source).pathname.split('/').pop() || 'file';
    } else {
      const file = await readMediaSource(input.source);
      media = { id: await this.api.uploadMedia(file.bytes, file.fileName, file.mimeType) };
      if (type === 'document') media.filename = file.fileName;
    }
    // Audio messages carry no caption in the Cloud API.
    if (input.caption && type !== 'audio') media.caption = input.caption.slice(0, CAPTION_LIMIT);
    const id = await this.api.sendMessage(
      input.target.chatId,
      { type, [type]: media },
      input.replyToMessageId,
    );
    return { platformMessageId: id };
  }

  /** Read receipt plus "typing…" on the message being answered. */
  async sendTyping(target: DeliveryTarget): Promise<void> {
    await this.api.markRead(target.platformMessageId, { typing: true });
  }
}
