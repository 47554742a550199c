/**
 * A chat message (PRIVMSG with Twitch's IRCv3 tags) → ChannelInbound. The room is the
 * chat; the sender is the user's login. It mentions the bot when it contains @<bot login>
 * or replies to one of the bot's messages. Servers without Twitch's tags (no `id`) still
 * work: the message id is then made from room, sender and time.
 */
import type { ChatMessage } from '@twurple/chat';
import type { ChannelInbound } from '../../channels/types.js';
import { roomName } from './config.js';

function tagOf(message: ChatMessage, name: string): string | undefined {
  return message.tags.get(name) || undefined;
}

/** Normalize one message; undefined for the bot's own and for empty ones. */
export function normalizeChatMessage(options: {
  accountId: string;
  channel: string;
  user: string;
  text: string;
  message: ChatMessage;
  botLogin: string | undefined;
}): ChannelInbound | undefined {
  const { accountId, channel, user, text, message, botLogin } = options;
  const sender = user.toLowerCase();
  if (botLogin && sender === botLogin) return undefined;
  if (text.trim() === '') return undefined;
  const sentAt = Number(tagOf(message, 'tmi-sent-ts') ?? Date.now());
  const room = roomName(channel);
  const id = tagOf(message, 'id') ?? `${room}:${sender}:${sentAt}`;
  const parentId = tagOf(message, 'reply-parent-msg-id');
  const parentUser = tagOf(message, 'reply-parent-user-login')?.toLowerCase();
  const mentioned =
    botLogin !== undefined &&
    (new RegExp(`(^|\\W)@${escapeRegExp(botLogin)}\\b`, 'i').test(text) || parentUser === botLogin);
  const displayName = tagOf(message, 'display-name');
  return {
    accountId,
    chatType: 'channel',
    chatId: room,
    senderId: sender,
    ...(displayName ? { senderName: displayName } : {}),
    text,
    platformMessageId: id,
    mentioned,
    ...(parentId ? { replyToMessageId: parentId } : {}),
    sentAt,
  };
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
