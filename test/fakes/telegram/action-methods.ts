// Bot API methods beyond sending text and files — reactions, deletes, pins, stickers and
// polls — with the parameters, results and errors https://core.telegram.org/bots/api gives.
import { jsonParam } from './request-params.js';
import type { TelegramState } from './state.js';
import { badRequest, type TgChat, type TgMessage } from './wire.js';

/** What these methods need from the dispatcher. */
export interface ActionMethodContext {
  state: TelegramState;
  requireChat(chatId: unknown): TgChat;
}

// A sample of Telegram's reaction emoji; anything else is REACTION_INVALID, as there.
const reactionEmoji = new Set(['👍', '👎', '❤', '🔥', '🎉', '🤔', '😁', '👀', '🙏', '👌']);

function requireMessage(
  context: ActionMethodContext,
  chat: TgChat,
  value: unknown,
  what: string,
): TgMessage {
  const messageId = Number(value);
  const message = Number.isFinite(messageId)
    ? context.state.message(chat.id, messageId)
    : undefined;
  if (!message) throw badRequest(`message to ${what} not found`);
  return message;
}

/** Answer one of the methods (lowercased name) the dispatcher routed here. */
export function messageActionMethod(
  method: string,
  values: Record<string, unknown>,
  context: ActionMethodContext,
): unknown {
  const { state } = context;
  const chat = context.requireChat(values.chat_id);
  switch (method) {
    case 'setmessagereaction': {
      const message = requireMessage(context, chat, values.message_id, 'react');
      const reaction = jsonParam<{ type: string; emoji?: string }[]>(values.reaction) ?? [];
      const emoji = reaction.map((item) => item.emoji ?? '');
      if (emoji.some((item) => !reactionEmoji.has(item))) throw badRequest('REACTION_INVALID');
      state.record({
        method: 'setMessageReaction',
        chatId: chat.id,
        messageId: message.message_id,
        reaction: emoji,
      });
      return true;
    }
    case 'deletemessage': {
      const message = requireMessage(context, chat, values.message_id, 'delete');
      state.forget(chat.id, message.message_id);
      state.record({ method: 'deleteMessage', chatId: chat.id, messageId: message.message_id });
      return true;
    }
    case 'pinchatmessage': {
      const message = requireMessage(context, chat, values.message_id, 'pin');
      state.record({ method: 'pinChatMessage', chatId: chat.id, messageId: message.message_id });
      return true;
    }
    case 'unpinchatmessage': {
      // Without message_id the most recent pin goes; the fake only records the call.
      const messageId = values.message_id === undefined ? undefined : Number(values.message_id);
      state.record({
        method: 'unpinChatMessage',
        chatId: chat.id,
        ...(messageId !== undefined ? { messageId } : {}),
      });
      return true;
    }
    case 'sendsticker': {
      const sticker = typeof values.sticker === 'string' ? values.sticker : '';
      if (sticker === '') throw badRequest('there is no sticker in the request');
      const message = state.botMessage(chat, {
        sticker: {
          file_id: sticker,
          file_unique_id: `u${sticker.length}`,
          type: 'regular',
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
        },
      });
      state.record({
        method: 'sendSticker',
        chatId: chat.id,
        messageId: message.message_id,
        file: { reference: sticker },
      });
      return message;
    }
    case 'sendpoll': {
      const question = typeof values.question === 'string' ? values.question : '';
      if (question === '') throw badRequest('poll question must be non-empty');
      const options = (jsonParam<(string | { text: string })[]>(values.options) ?? []).map(
        (option) => (typeof option === 'string' ? option : option.text),
      );
      if (options.length < 2) throw badRequest('poll must have at least 2 option');
      if (options.length > 10) throw badRequest("poll can't have more than 10 options");
      const message = state.botMessage(chat, {
        poll: {
          id: `poll${chat.id}${Date.now()}`,
          question,
          options: options.map((text) => ({ text, voter_count: 0 })),
          total_voter_count: 0,
          is_closed: false,
          is_anonymous:
            values.is_anonymous === undefined
              ? true
              : values.is_anonymous === true || values.is_anonymous === 'true',
          type: 'regular',
          allows_multiple_answers:
            values.allows_multiple_answers === true || values.allows_multiple_answers === 'true',
        },
      });
      state.record({
        method: 'sendPoll',
        chatId: chat.id,
        messageId: message.message_id,
        text: question,
        options,
      });
      return message;
    }
    default:
      throw badRequest(`method ${method} is not routed here`);
  }
}
