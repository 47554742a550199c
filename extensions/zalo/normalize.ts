/**
 * A Zalo update → ChannelInbound. Text, image (its URL, downloaded only when the runtime
 * asks) and sticker messages; a PRIVATE chat is direct, a GROUP chat a group, where the bot
 * answers when its name is mentioned (the runtime matches the bot's name from getMe).
 * Messages of bots start no turn.
 */
import type { ChannelInbound, InboundAttachment } from '../../channels/types.js';
import type { ZaloUpdate } from './bot-api.js';

const HANDLED_EVENTS = new Set([
  'message.text.received',
  'message.image.received',
  'message.sticker.received',
]);

/** An update's identity across polling and webhook deliveries. */
export function updateKey(update: ZaloUpdate): string | undefined {
  const message = update.message;
  return message?.message_id ? `${message.chat?.id ?? ''}/${message.message_id}` : undefined;
}

/** Normalize an update; undefined when it is none a turn could answer. */
export function normalizeUpdate(update: ZaloUpdate, accountId: string): ChannelInbound | undefined {
  const message = update.message;
  if (!update.event_name || !HANDLED_EVENTS.has(update.event_name)) return undefined;
  const chatId = message?.chat?.id;
  const senderId = message?.from?.id;
  if (!message?.message_id || !chatId || !senderId || message.from?.is_bot) return undefined;
  const attachments: InboundAttachment[] = [];
  const photo = message.photo_url;
  if (update.event_name === 'message.image.received' && photo) {
    attachments.push({
      kind: 'image',
      fileName: 'photo.jpg',
      download: async () => {
        const response = await fetch(photo);
        if (!response.ok || !response.body) throw new Error(`photo: HTTP ${response.status}`);
        return response.body;
      },
    });
  }
  const text =
    update.event_name === 'message.sticker.received'
      ? '[sticker]'
      : (message.text ?? message.caption ?? '');
  const senderName = message.from?.display_name ?? message.from?.name;
  return {
    accountId,
    chatType: message.chat?.chat_type === 'GROUP' ? 'group' : 'direct',
    chatId,
    senderId,
    ...(senderName ? { senderName } : {}),
    text,
    ...(attachments.length > 0 ? { attachments } : {}),
    platformMessageId: message.message_id,
    mentioned: false,
    ...(typeof message.date === 'number' ? { sentAt: message.date } : {}),
  };
}
