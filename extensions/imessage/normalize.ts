/**
 * An imsg `message` notification → ChannelInbound. Chats are keyed by imsg's `chat_id`
 * (the Messages database's chat rowid, which `send` takes back), the message by its
 * `guid` (stable across redeliveries and restarts). A group message addresses the bot
 * when it names one of `mentionNames` (iMessage has no mentions of a bot account).
 */
import { namesBot } from '../../channels/shared/name-mention.js';
import type { ChannelInbound, InboundAttachment } from '../../channels/types.js';

/** An attachment as imsg describes it (a file in the Mac's Messages folder). */
export interface ImsgAttachment {
  filename?: string;
  transfer_name?: string;
  mime_type?: string;
  total_bytes?: number;
  original_path?: string;
  missing?: boolean;
  is_sticker?: boolean;
}

/** A message as imsg sends it (docs/rpc.md of steipete/imsg). */
export interface ImsgMessage {
  id: number;
  chat_id: number;
  guid: string;
  reply_to_guid?: string;
  sender: string;
  is_from_me: boolean;
  text: string;
  created_at?: string;
  attachments?: ImsgAttachment[];
  chat_identifier?: string;
  chat_guid?: string;
  chat_name?: string;
  participants?: string[];
  is_group?: boolean;
  is_reaction?: boolean;
}

/** Reads a file of the Mac (locally, or over ssh). */
export type ImsgFileReader = (path: string) => Promise<Uint8Array>;

function kindOf(mimeType: string | undefined): InboundAttachment['kind'] {
  if (mimeType?.startsWith('image/')) return 'image';
  if (mimeType?.startsWith('audio/')) return 'audio';
  if (mimeType?.startsWith('video/')) return 'video';
  return 'file';
}

/** Normalize a message; undefined for our own messages, reactions and empty ones. */
export function normalizeImsgMessage(
  message: ImsgMessage,
  mentionNames: readonly string[],
  accountId: string,
  readFile: ImsgFileReader,
): ChannelInbound | undefined {
  if (message.is_from_me || message.is_reaction) return undefined;
  if (!message.guid || !message.sender || message.chat_id === undefined) return undefined;
  const attachments: InboundAttachment[] = (message.attachments ?? [])
    .filter((attachment) => attachment.original_path && !attachment.missing)
    .map((attachment) => ({
      kind: kindOf(attachment.mime_type),
      fileName: attachment.transfer_name || attachment.filename || 'attachment',
      ...(attachment.mime_type ? { mimeType: attachment.mime_type } : {}),
      ...(attachment.total_bytes !== undefined ? { size: attachment.total_bytes } : {}),
      download: () => readFile(attachment.original_path!),
    }));
  const text = message.text ?? '';
  if (text.trim() === '' && attachments.length === 0) return undefined;
  const isGroup = message.is_group ?? false;
  const sentAt = message.created_at ? Date.parse(message.created_at) : NaN;
  return {
    accountId,
    chatType: isGroup ? 'group' : 'direct',
    chatId: String(message.chat_id),
    senderId: message.sender,
    text,
    ...(attachments.length > 0 ? { attachments } : {}),
    platformMessageId: message.guid,
    mentioned: isGroup && namesBot(text, mentionNames),
    ...(message.reply_to_guid ? { replyToMessageId: message.reply_to_guid } : {}),
    ...(Number.isFinite(sentAt) ? { sentAt } : {}),
  };
}
