/**
 * A BlueBubbles `new-message` webhook event → ChannelInbound. Chats are keyed by their chat
 * guid (`iMessage;-;+1555...` for a direct chat, `iMessage;+;chat123...` for a group),
 * which the send endpoints take back; the message by its guid, so a repeated webhook call
 * is the same message. A group message addresses the bot when it names one of
 * `mentionNames`.
 */
import { namesBot } from '../../channels/shared/name-mention.js';
import type { ChannelInbound, InboundAttachment } from '../../channels/types.js';

/** An attachment of a message, as the server describes it. */
export interface BlueBubblesAttachment {
  guid: string;
  mimeType?: string | null;
  transferName?: string;
  totalBytes?: number;
}

/** The parts of a server Message we use. */
export interface BlueBubblesMessage {
  guid: string;
  text?: string | null;
  isFromMe?: boolean;
  handle?: { address?: string; displayName?: string } | null;
  chats?: { guid: string; displayName?: string; participants?: { address?: string }[] }[];
  attachments?: BlueBubblesAttachment[];
  dateCreated?: number;
  threadOriginatorGuid?: string | null;
  associatedMessageGuid?: string | null;
  associatedMessageType?: string | number | null;
}

/** Fetches an attachment by guid. */
export type BlueBubblesDownloader = (guid: string) => Promise<ReadableStream<Uint8Array>>;

function kindOf(mimeType: string | null | undefined): InboundAttachment['kind'] {
  if (mimeType?.startsWith('image/')) return 'image';
  if (mimeType?.startsWith('audio/')) return 'audio';
  if (mimeType?.startsWith('video/')) return 'video';
  return 'file';
}

/** Normalize a message; undefined for our own, tapbacks, and messages without a chat. */
export function normalizeBlueBubblesMessage(
  message: BlueBubblesMessage,
  mentionNames: readonly string[],
  accountId: string,
  download: BlueBubblesDownloader,
): ChannelInbound | undefined {
  if (message.isFromMe) return undefined;
  // A tapback is a message associated with another one; it is not something to answer.
  if (message.associatedMessageGuid && message.associatedMessageType) return undefined;
  const chat = message.chats?.[0];
  const sender = message.handle?.address;
  if (!chat || !sender || !message.guid) return undefined;
  const attachments: InboundAttachment[] = (message.attachments ?? []).map((attachment) => ({
    kind: kindOf(attachment.mimeType),
    fileName: attachment.transferName || attachment.guid,
    ...(attachment.mimeType ? { mimeType: attachment.mimeType } : {}),
    ...(attachment.totalBytes !== undefined ? { size: attachment.totalBytes } : {}),
    download: () => download(attachment.guid),
  }));
  // Apple puts U+FFFC where an attachment sits in the text.
  const text = (message.text ?? '').replace(/\uFFFC/g, '').trim();
  if (text === '' && attachments.length === 0) return undefined;
  const isGroup = chat.guid.includes(';+;');
  return {
    accountId,
    chatType: isGroup ? 'group' : 'direct',
    chatId: chat.guid,
    senderId: sender,
    ...(message.handle?.displayName ? { senderName: message.handle.displayName } : {}),
    text,
    ...(attachments.length > 0 ? { attachments } : {}),
    platformMessageId: message.guid,
    mentioned: isGroup && namesBot(text, mentionNames),
    ...(message.threadOriginatorGuid ? { replyToMessageId: message.threadOriginatorGuid } : {}),
    ...(message.dateCreated ? { sentAt: message.dateCreated } : {}),
  };
}
