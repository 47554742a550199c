/**
 * The Telegram operations beyond sending — reactions, deletes, pins, stickers, polls —
 * through grammy's `bot.api`, for the message tool (react, delete) and telegram_actions.
 * Telegram bots cannot read a chat's history, so there is no `readMessages`.
 */
import type { Api } from 'grammy';
import type { ReactionTypeEmoji } from 'grammy/types';
import type { ChannelChatRef } from '../types.js';
import { toSendError } from './send-error.js';

/** The input of telegram_actions, as validated by its schema. */
interface TelegramActionParams {
  chatId?: string;
  messageId?: string;
  text?: string;
  emoji?: string;
  remove?: boolean;
  sticker?: string;
  question?: string;
  options?: string[];
  multiple?: boolean;
  threadId?: string;
}

const topic = (threadId: string | undefined) =>
  threadId !== undefined ? { message_thread_id: Number(threadId) } : {};

/** setMessageReaction: one emoji, or none to take the bot's reaction away. */
export async function react(
  api: Api,
  target: ChannelChatRef,
  messageId: string,
  emoji: string,
  options?: { remove?: boolean },
): Promise<void> {
  try {
    await api.setMessageReaction(
      target.chatId,
      Number(messageId),
      // Bot API: the emoji is one of Telegram's reaction set; a wrong one is its 400.
      options?.remove ? [] : [{ type: 'emoji', emoji: emoji as ReactionTypeEmoji['emoji'] }],
    );
  } catch (error) {
    throw toSendError(error);
  }
}

/** deleteMessage (a bot deletes its own messages, and others' where it is an admin). */
export async function deleteMessage(
  api: Api,
  target: ChannelChatRef,
  messageId: string,
): Promise<void> {
  try {
    await api.deleteMessage(target.chatId, Number(messageId));
  } catch (error) {
    throw toSendError(error);
  }
}

/** One telegram_actions call. */
export async function telegramAction(
  api: Api,
  name: string,
  params: Record<string, unknown>,
): Promise<unknown> {
  const input = params as TelegramActionParams;
  const chat = { chatId: input.chatId ?? '' };
  const messageId = input.messageId ?? '';
  try {
    switch (name) {
      case 'edit':
        await api.editMessageText(chat.chatId, Number(messageId), input.text ?? '');
        return { edited: messageId };
      case 'delete':
        await deleteMessage(api, chat, messageId);
        return { deleted: messageId };
      case 'react':
        await react(api, chat, messageId, input.emoji ?? '👍', { remove: input.remove ?? false });
        return { reacted: input.remove ? null : (input.emoji ?? '👍'), messageId };
      case 'pin':
        await api.pinChatMessage(chat.chatId, Number(messageId), { disable_notification: true });
        return { pinned: messageId };
      case 'unpin':
        await api.unpinChatMessage(chat.chatId, Number(messageId));
        return { unpinned: messageId };
      case 'sendSticker': {
        const sent = await api.sendSticker(chat.chatId, input.sticker ?? '', topic(input.threadId));
        return { messageId: String(sent.message_id) };
      }
      case 'createPoll': {
        const sent = await api.sendPoll(
          chat.chatId,
          input.question ?? '',
          (input.options ?? []).map((text) => ({ text })),
          { allows_multiple_answers: input.multiple ?? false, ...topic(input.threadId) },
        );
        return { messageId: String(sent.message_id), pollId: sent.poll.id };
      }
      default:
        throw new Error(`telegram has no action "${name}"`);
    }
  } catch (error) {
    throw toSendError(error);
  }
}
