/**
 * Outbound calls of one LINE account through @line/bot-sdk's MessagingApiClient. A piece
 * goes as a reply (with the message's reply token, while valid and not yet used), else as
 * a push with `X-Line-Retry-Key` from the delivery id, so LINE itself accepts a retried
 * push once (a repeat answers 409, which here means "already sent").
 */
import { HTTPFetchError, type messagingApi } from '@line/bot-sdk';
import {
  ChannelSendError,
  type DeliveryTarget,
  type SendMediaInput,
  type SendTextInput,
  type SentMessage,
} from '../types.js';
import type { ReplyTokens } from './reply-tokens.js';
import { LINE_TEXT_LIMIT } from './config.js';
import { retryKeyOf } from './retry-key.js';

import { toSendError } from './send-error.js';

/** Outbound operations of one account. */
export class LineOutbound {
  constructor(
    private readonly client: messagingApi.MessagingApiClient,
    private readonly tokens: ReplyTokens,
  ) {}

  private async deliver(
    target: DeliveryTarget,
    message: messagingApi.Message,
    deliveryId: string,
  ): Promise<SentMessage> {
    const replyToken = target.platformMessageId
      ? this.tokens.take(target.platformMessageId)
      : undefined;
    if (replyToken) {
      try {
        const response = await this.client.replyMessage({ replyToken, messages: [message] });
        return { platformMessageId: response.sentMessages[0]?.id ?? `reply:${deliveryId}` };
      } catch (error) {
        // An expired or used token: push instead. Anything else is the send's failure; the
        // retry pushes (the token is spent), with the retry key guarding against doubles.
        if (!(error instanceof HTTPFetchError && error.status === 400)) {
          throw toSendError(error, 'reply');
        }
      }
    }
    const retryKey = retryKeyOf(deliveryId);
    try {
      const response = await this.client.pushMessage(
        { to: target.chatId, messages: [message] },
        retryKey,
      );
      return { platformMessageId: response.sentMessages[0]?.id ?? `push:${retryKey}` };
    } catch (error) {
      // 409: a push with this key was accepted before (a retry after a lost answer).
      if (error instanceof HTTPFetchError && error.status === 409) {
        return { platformMessageId: `push:${retryKey}` };
      }
      throw toSendError(error, 'push');
    }
  }

  /** One text piece (LINE shows plain text; Markdown is flattened by formatText). */
  sendText(input: SendTextInput): Promise<SentMessage> {
    const quoteToken =
      input.replyToMessageId !== undefined
        ? this.tokens.quoteToken(input.replyToMessageId)
        : undefined;
    const message: messagingApi.TextMessage = {
      type: 'text',
      text: input.text.slice(0, LINE_TEXT_LIMIT),
      ...(quoteToken ? { quoteToken } : {}),
    };
    return this.deliver(input.target, message, input.deliveryId);
  }

  /**
   * LINE takes media only as public HTTPS URLs (no upload API): an https image URL becomes
   * an image message, any other URL a text link; a local file cannot be sent.
   */
  async sendMedia(input: SendMediaInput): Promise<SentMessage> {
    if (!/^https?:\/\//i.test(input.source)) {
      // A retry cannot change that: fail at once with the reason.
      throw new ChannelSendError(
        `LINE sends media only from public https URLs, not ${input.source}`,
        { retryable: false },
      );
    }
    const message: messagingApi.Message =
      input.kind === 'image' && input.source.startsWith('https://')
        ? { type: 'image', originalContentUrl: input.source, previewImageUrl: input.source }
        : { type: 'text', text: [input.caption, input.source].filter(Boolean).join('\n') };
    return this.deliver(input.target, message, input.deliveryId);
  }

  /** The loading animation, LINE's "typing…" (1:1 chats only). */
  async sendTyping(target: DeliveryTarget): Promise<void> {
    if (target.chatType !== 'direct') return;
    try {
      await this.client.showLoadingAnimation({ chatId: target.chatId, loadingSeconds: 20 });
    } catch (error) {
      throw toSendError(error, 'loading animation');
    }
  }
}
