/**
 * A Telegram message → the channel layer's ChannelInbound: chat type, forum topic, sender,
 * text or caption, attachments (fetched only when the runtime asks), mention and reply.
 */
import type { Chat, Message, MessageEntity, UserFromGetMe } from 'grammy/types';
import type { ChatType, ChannelInbound, InboundAttachment } from '../types.js';

/** Fetches a file by file_id (getFile, then the file URL), as a stream the size cap can cut. */
export type FileDownloader = (fileId: string) => ReturnType<InboundAttachment['download']>;

/** Telegram's chat types in the channel layer's terms. */
export function chatTypeOf(chat: Chat): ChatType {
  switch (chat.type) {
    case 'private':
      return 'direct';
    case 'group':
    case 'supergroup':
      return 'group';
    case 'channel':
      return 'channel';
  }
}

/**
 * Normalize one message (or channel post). Returns undefined for messages that carry
 * nothing a turn could answer (service messages, stickers without caption, the bot's own).
 */
export function normalizeMessage(
  message: Message,
  me: UserFromGetMe,
  accountId: string,
  download: FileDownloader,
): ChannelInbound | undefined {
  if (message.from?.id === me.id) return undefined;
  const text = message.text ?? message.caption ?? '';
  const attachments = attachmentsOf(message, download);
  if (text === '' && attachments.length === 0) return undefined;
  const sender = message.from
    ? {
        id: String(message.from.id),
        name:
          [message.from.first_name, message.from.last_name].filter(Boolean).join(' ') ||
          message.from.username,
      }
    : { id: String(message.sender_chat?.id ?? message.chat.id), name: message.sender_chat?.title };
  // In forums every topic message "replies" to the topic's creation message; that is
  // not a reply a person made, so it neither quotes nor mentions anything.
  const repliedTo =
    message.reply_to_message && !message.reply_to_message.forum_topic_created
      ? message.reply_to_message
      : undefined;
  const threadId =
    message.is_topic_message && message.message_thread_id !== undefined
      ? String(message.message_thread_id)
      : undefined;
  return {
    accountId,
    chatType: chatTypeOf(message.chat),
    chatId: String(message.chat.id),
    // Forum topics are separate conversations: part of the session's peer, not a thread.
    ...(threadId !== undefined ? { threadId, threadKind: 'topic' as const } : {}),
    senderId: sender.id,
    ...(sender.name ? { senderName: sender.name } : {}),
    text,
    ...(attachments.length > 0 ? { attachments } : {}),
    platformMessageId: String(message.message_id),
    mentioned: mentionsBot(message, me) || repliedTo?.from?.id === me.id,
    ...(repliedTo ? { replyToMessageId: String(repliedTo.message_id) } : {}),
    sentAt: message.date * 1000,
  };
}

/**
 * The bot is mentioned by a `mention` entity spelling its @username (any case), a
 * `text_mention` of its user, or a `/command@botname` addressed to it.
 */
export function mentionsBot(message: Message, me: UserFromGetMe): boolean {
  const text = message.text ?? message.caption ?? '';
  const entities: MessageEntity[] = message.entities ?? message.caption_entities ?? [];
  const handle = `@${me.username}`.toLowerCase();
  return entities.some((entity) => {
    const slice = text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
    if (entity.type === 'mention') return slice === handle;
    if (entity.type === 'text_mention') return entity.user.id === me.id;
    if (entity.type === 'bot_command') return slice.endsWith(handle);
    return false;
  });
}

function attachmentsOf(message: Message, download: FileDownloader): InboundAttachment[] {
  const attachments: InboundAttachment[] = [];
  if (message.photo && message.photo.length > 0) {
    // Telegram sends several sizes of one photo; the largest is the original.
    const largest = message.photo.reduce((best, size) =>
      size.width * size.height > best.width * best.height ? size : best,
    );
    attachments.push({
      kind: 'image',
      fileName: `photo-${largest.file_unique_id}.jpg`,
      mimeType: 'image/jpeg',
      ...(largest.file_size !== undefined ? { size: largest.file_size } : {}),
      download: () => download(largest.file_id),
    });
  }
  const files: [InboundAttachment['kind'], typeof message.document, string][] = [
    ['file', message.document, 'file'],
    ['audio', message.audio, 'audio'],
    ['audio', message.voice, 'voice.ogg'],
    ['video', message.video, 'video.mp4'],
  ];
  for (const [kind, file, fallbackName] of files) {
    if (!file) continue;
    const mimeType = file.mime_type;
    attachments.push({
      kind: kind === 'file' && mimeType?.startsWith('image/') ? 'image' : kind,
      fileName: file.file_name ?? `${fallbackName}-${file.file_unique_id}`,
      ...(mimeType ? { mimeType } : {}),
      ...(file.file_size !== undefined ? { size: file.file_size } : {}),
      download: () => download(file.file_id),
    });
  }
  return attachments;
}
