/**
 * Outbound calls of one Google Chat app. Text goes to the space (into the thread of the
 * message it answers, in spaces) with a `requestId` derived from the delivery id, so a
 * retried chunk returns the message Chat already created instead of posting it twice.
 * Apps cannot upload files with app authentication, so media goes as a link when it is a
 * URL; a local file cannot be sent.
 */
import {
  ChannelSendError,
  type SendMediaInput,
  type SendTextInput,
  type SentMessage,
} from '../../channels/types.js';
import { requestIdOf, type ChatApi } from './chat-api.js';

/** Google Chat takes 4096 characters of text; chunks stay under 4000 like the other channels. */
export const GOOGLECHAT_TEXT_LIMIT = 4000;

/** Outbound operations of one account. */
export class GoogleChatOutbound {
  constructor(private readonly api: ChatApi) {}

  /** One text chunk (already in Chat's markup). */
  async sendText(input: SendTextInput): Promise<SentMessage> {
    const created = await this.api.createMessage({
      space: input.target.chatId,
      text: input.text.slice(0, 4096),
      ...(input.target.threadId ? { threadName: input.target.threadId } : {}),
      requestId: requestIdOf(input.deliveryId),
    });
    return { platformMessageId: created.name };
  }

  /** A media URL as a message (Chat previews links); a workspace file is refused. */
  async sendMedia(input: SendMediaInput): Promise<SentMessage> {
    if (!/^https?:\/\//i.test(input.source)) {
      throw new ChannelSendError(
        `Google Chat apps cannot upload files; ${input.source} was not sent (name a URL instead)`,
        { retryable: false },
      );
    }
    return this.sendText({
      target: input.target,
      text: [input.caption, input.source].filter(Boolean).join('\n'),
      formatted: false,
      deliveryId: input.deliveryId,
    });
  }
}
