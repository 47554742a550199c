/**
 * A LINE webhook message event → the channel layer's ChannelInbound: 1:1 chats are
 * direct, groups and multi-person rooms are groups; text, stickers as a text description,
 * images, video, audio and files as attachments fetched from the content endpoint only when
 * the runtime asks; a mention of the bot (`isSelf`) and a quoted message.
 */
import type { webhook } from '@line/bot-sdk';
import type { ChannelInbound, InboundAttachment } from '../types.js';

/** Fetches a message's content (image, file, ...) by message id. */
export type ContentDownloader = (messageId: string) => ReturnType<InboundAttachment['download']>;

/** Chat type and id of an event's source; undefined for sources without one. */
export function chatOf(
  source: webhook.Source | undefined,
): { chatType: ChannelInbound['chatType']; chatId: string; senderId: string } | undefined {
  if (!source) return undefined;
  switch (source.type) {
    case 'user': {
      const user = source;
      return user.userId
        ? { chatType: 'direct', chatId: user.userId, senderId: user.userId }
        : undefined;
    }
    case 'group': {
      const group = source;
      return { chatType: 'group', chatId: group.groupId, senderId: group.userId ?? group.groupId };
    }
    case 'room': {
      const room = source;
      return { chatType: 'group', chatId: room.roomId, senderId: room.userId ?? room.roomId };
    }
    default:
      return undefined;
  }
}

const FILE_KINDS = {
  image: { kind: 'image', name: 'image.jpg', mimeType: 'image/jpeg' },
  video: { kind: 'video', name: 'video.mp4', mimeType: 'video/mp4' },
  audio: { kind: 'audio', name: 'audio.m4a', mimeType: 'audio/mp4' },
} as const;

/** Normalize one message event; undefined when it carries nothing a turn could answer. */
export function normalizeMessageEvent(
  event: webhook.MessageEvent,
  accountId: string,
  download: ContentDownloader,
): ChannelInbound | undefined {
  const chat = chatOf(event.source);
  if (!chat) return undefined;
  const message = event.message;
  let text = '';
  let mentioned = false;
  let quoted: string | undefined;
  const attachments: InboundAttachment[] = [];
  switch (message.type) {
    case 'text': {
      const content = message;
      text = content.text;
      mentioned =
        content.mention?.mentionees.some(
          (mentionee) => mentionee.type === 'user' && mentionee.isSelf === true,
        ) ?? false;
      quoted = content.quotedMessageId;
      break;
    }
    case 'sticker': {
      // The model cannot see LINE's sticker images; their keywords say what they show.
      const sticker = message;
      const about = sticker.keywords?.length ? `: ${sticker.keywords.slice(0, 5).join(', ')}` : '';
      text = `[sticker ${sticker.packageId}/${sticker.stickerId}${about}]${sticker.text ? ` ${sticker.text}` : ''}`;
      quoted = sticker.quotedMessageId;
      break;
    }
    case 'image':
    case 'video':
    case 'audio': {
      const file = FILE_KINDS[message.type];
      attachments.push({
        kind: file.kind,
        fileName: `${message.type}-${message.id}${file.name.slice(file.name.lastIndexOf('.'))}`,
        mimeType: file.mimeType,
        download: () => download(message.id),
      });
      break;
    }
    case 'file': {
      const file = message;
      attachments.push({
        kind: 'file',
        fileName: file.fileName,
        size: file.fileSize,
        download: () => download(message.id),
      });
      break;
    }
    case 'location': {
      const location = message;
      text = `[location${location.title ? ` ${location.title}` : ''}: ${location.latitude}, ${location.longitude}${location.address ? ` (${location.address})` : ''}]`;
      break;
    }
    default:
      return undefined;
  }
  return {
    accountId,
    chatType: chat.chatType,
    chatId: chat.chatId,
    senderId: chat.senderId,
    text,
    ...(attachments.length > 0 ? { attachments } : {}),
    platformMessageId: message.id,
    mentioned,
    ...(quoted !== undefined ? { replyToMessageId: quoted } : {}),
    sentAt: event.timestamp,
  };
}
