/**
 * Outbound calls of one Signal account through the daemon's JSON-RPC: `send` to a
 * recipient or a group (quoting the triggering message when asked), files as data URIs
 * (the daemon may run on another host, so no local paths), and `sendTyping`.
 */
import { readMediaSource } from '../../channels/shared/read-media-source.js';
import type {
  DeliveryTarget,
  SendMediaInput,
  SendTextInput,
  SentMessage,
} from '../../channels/types.js';
import { parseSignalMessageId, signalMessageId } from './normalize.js';
import type { SignalRpcClient } from './rpc-client.js';

/** Where a send goes, in signal-cli's params. */
export function signalRecipient(target: DeliveryTarget): Record<string, unknown> {
  return target.chatType === 'direct' ? { recipient: [target.chatId] } : { groupId: target.chatId };
}

/** Outbound operations of one account. */
export class SignalOutbound {
  constructor(
    private readonly client: SignalRpcClient,
    private readonly botId: string,
  ) {}

  private async send(
    target: DeliveryTarget,
    params: Record<string, unknown>,
    replyToMessageId: string | undefined,
  ): Promise<SentMessage> {
    const quote = replyToMessageId ? parseSignalMessageId(replyToMessageId) : undefined;
    const result = await this.client.call<{ timestamp?: number }>('send', {
      ...signalRecipient(target),
      ...params,
      ...(quote ? { quoteTimestamp: quote.timestamp, quoteAuthor: quote.author } : {}),
    });
    return { platformMessageId: signalMessageId(result?.timestamp ?? Date.now(), this.botId) };
  }

  /** One chunk of plain text. */
  sendText(input: SendTextInput): Promise<SentMessage> {
    return this.send(input.target, { message: input.text }, input.replyToMessageId);
  }

  /** One file (and its caption). */
  async sendMedia(input: SendMediaInput): Promise<SentMessage> {
    const media = await readMediaSource(input.source);
    const name = media.fileName.replace(/[;,]/g, '_');
    const dataUri = `data:${media.mimeType};filename=${name};base64,${media.bytes.toString('base64')}`;
    return this.send(
      input.target,
      { message: input.caption ?? '', attachments: [dataUri] },
      input.replyToMessageId,
    );
  }

  /** "typing…" (Signal shows it for a few seconds; the runtime refreshes it). */
  async sendTyping(target: DeliveryTarget): Promise<void> {
    await this.client.call('sendTyping', signalRecipient(target));
  }
}
