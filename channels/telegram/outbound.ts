/**
 * Outbound calls of one account through grammy's `bot.api`: text chunks (HTML when
 * formatted), photos and documents, the typing action and draft edits, to the chat and
 * forum topic the turn came from.
 */
import { InputFile, type Api } from 'grammy';
import type { DeliveryTarget, SendMediaInput, SendTextInput, SentMessage } from '../types.js';
import { isNotModified, toSendError } from './send-error.js';

/** Telegram's caption limit (UTF-16 units). */
const CAPTION_LIMIT = 1024;

/** Where in the chat a message goes: the forum topic, and the message it quotes. */
function placement(target: DeliveryTarget, replyToMessageId: string | undefined) {
  return {
    ...(target.threadId !== undefined ? { message_thread_id: Number(target.threadId) } : {}),
    ...(replyToMessageId !== undefined
      ? {
          // If the quoted message was deleted meanwhile, still deliver the reply.
          reply_parameters: {
            message_id: Number(replyToMessageId),
            allow_sending_without_reply: true,
          },
        }
      : {}),
  };
}

/** sendMessage, parse_mode HTML for formatted chunks. */
export async function sendText(api: Api, input: SendTextInput): Promise<SentMessage> {
  try {
    const message = await api.sendMessage(input.target.chatId, input.text, {
      ...(input.formatted ? { parse_mode: 'HTML' as const } : {}),
      ...placement(input.target, input.replyToMessageId),
    });
    return { platformMessageId: String(message.message_id) };
  } catch (error) {
    throw toSendError(error);
  }
}

/**
 * Audio Telegram plays as a voice message: sendVoice takes OGG with Opus (what the tts
 * tool makes); MP3 and the rest stay music-player files (sendAudio).
 */
function isVoice(input: SendMediaInput): boolean {
  return input.kind === 'audio' && /\.(ogg|oga|opus)(?:[?#].*)?$/i.test(input.source);
}

/** sendPhoto for images, sendVoice / sendAudio, sendVideo, sendDocument for anything else. */
export async function sendMedia(api: Api, input: SendMediaInput): Promise<SentMessage> {
  const file = /^https?:\/\//i.test(input.source) ? input.source : new InputFile(input.source);
  const other = {
    ...(input.caption ? { caption: input.caption.slice(0, CAPTION_LIMIT) } : {}),
    ...placement(input.target, input.replyToMessageId),
  };
  const chatId = input.target.chatId;
  try {
    const message =
      input.kind === 'image'
        ? await api.sendPhoto(chatId, file, other)
        : isVoice(input)
          ? await api.sendVoice(chatId, file, other)
          : input.kind === 'audio'
            ? await api.sendAudio(chatId, file, other)
            : input.kind === 'video'
              ? await api.sendVideo(chatId, file, other)
              : await api.sendDocument(chatId, file, other);
    return { platformMessageId: String(message.message_id) };
  } catch (error) {
    throw toSendError(error);
  }
}

/** "typing…" for about five seconds (the runtime refreshes it while the turn runs). */
export async function sendTyping(api: Api, target: DeliveryTarget): Promise<void> {
  try {
    await api.sendChatAction(target.chatId, 'typing', placement(target, undefined));
  } catch (error) {
    throw toSendError(error);
  }
}

/**
 * editMessageText on a draft (plain text) or, for the final reply's first chunk, with
 * HTML; an edit to the text already shown is a success.
 */
export async function editText(
  api: Api,
  target: DeliveryTarget,
  platformMessageId: string,
  text: string,
  options?: { formatted: boolean },
): Promise<void> {
  try {
    await api.editMessageText(
      target.chatId,
      Number(platformMessageId),
      text,
      options?.formatted ? { parse_mode: 'HTML' } : {},
    );
  } catch (error) {
    if (isNotModified(error)) return;
    throw toSendError(error);
  }
}
