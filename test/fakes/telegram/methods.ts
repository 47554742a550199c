// The Bot API methods the fake implements, with the parameters and errors
// https://core.telegram.org/bots/api documents for them.
import type { ChangeWaiter } from '../change-waiter.js';
import { messageActionMethod } from './action-methods.js';
import { parseTelegramHtml } from './html-entities.js';
import { jsonParam, type RequestParams } from './request-params.js';
import type { TelegramState } from './state.js';
import { TgApiError, badRequest, type TgChat, type TgMessage, type TgUpdate } from './wire.js';

/** One call: its parameters, and a promise that settles when the client hangs up. */
export interface MethodContext {
  params: RequestParams;
  closed: Promise<void>;
}

/** Telegram's limit on a message's text after entity parsing (UTF-16 units). */
const MESSAGE_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const mediaMethods: Record<string, string> = {
  sendphoto: 'photo',
  senddocument: 'document',
  sendaudio: 'audio',
  sendvideo: 'video',
  sendvoice: 'voice',
};

/** Dispatches `/bot<token>/<method>` calls (method names are case-insensitive). */
export class BotApiMethods {
  private activePoll: ((error: TgApiError) => void) | undefined;

  /** A getUpdates long poll is waiting for updates. */
  get polling(): boolean {
    return this.activePoll !== undefined;
  }

  constructor(
    private readonly state: TelegramState,
    private readonly changes: ChangeWaiter,
  ) {}

  async call(method: string, context: MethodContext): Promise<unknown> {
    const values = context.params.values;
    switch (method) {
      case 'getme':
        return this.state.bot;
      case 'getupdates':
        return this.getUpdates(context);
      case 'setwebhook':
        return this.setWebhook(values);
      case 'deletewebhook':
        this.state.webhook = undefined;
        if (isTrue(values.drop_pending_updates)) this.state.dropPending();
        return true;
      case 'getwebhookinfo':
        return {
          url: this.state.webhook?.url ?? '',
          has_custom_certificate: false,
          pending_update_count: this.state.pending().length,
        };
      case 'sendmessage':
        return this.sendMessage(values);
      case 'editmessagetext':
        return this.editMessageText(values);
      case 'sendchataction':
        return this.sendChatAction(values);
      case 'getfile':
        return this.getFile(values);
      case 'setmessagereaction':
      case 'deletemessage':
      case 'pinchatmessage':
      case 'unpinchatmessage':
      case 'sendsticker':
      case 'sendpoll':
        return messageActionMethod(method, values, {
          state: this.state,
          requireChat: (chatId) => this.requireChat(chatId),
        });
      default:
        if (method in mediaMethods)
          return this.sendMedia(method, mediaMethods[method]!, context.params);
        throw new TgApiError(404, 'Not Found');
    }
  }

  /** Long polling: answer at once when updates wait, else when one arrives or `timeout` s pass. */
  private async getUpdates(context: MethodContext): Promise<TgUpdate[]> {
    const values = context.params.values;
    if (this.state.webhook) {
      throw new TgApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    this.state.confirm(optionalNumber(values.offset));
    const allowed = jsonParam<string[]>(values.allowed_updates);
    if (allowed !== undefined) this.state.allowedUpdates = allowed;
    const limit = Math.min(Math.max(optionalNumber(values.limit) ?? 100, 1), 100);
    const timeoutMs = (optionalNumber(values.timeout) ?? 0) * 1000;
    // Only one getUpdates may run per bot: a newer one terminates the older.
    this.activePoll?.(
      new TgApiError(
        409,
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      ),
    );
    const ready = () => this.state.pending().slice(0, limit);
    if (ready().length > 0 || timeoutMs === 0) return ready();
    return new Promise<TgUpdate[]>((resolve, reject) => {
      let done = false;
      const finish = (error?: TgApiError) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        unsubscribe();
        if (this.activePoll === supersede) this.activePoll = undefined;
        this.changes.changed();
        if (error) reject(error);
        else resolve(ready());
      };
      const onChange = () => {
        if (ready().length > 0) finish();
      };
      const supersede = (error: TgApiError) => finish(error);
      const timer = setTimeout(() => finish(), timeoutMs);
      this.activePoll = supersede;
      const unsubscribe = this.changes.subscribe(onChange);
      this.changes.changed();
      void context.closed.then(() => finish());
    });
  }

  private setWebhook(values: Record<string, unknown>): boolean {
    const url = typeof values.url === 'string' ? values.url : '';
    if (url === '') {
      this.state.webhook = undefined;
      return true;
    }
    // Telegram demands HTTPS on port 443, 80, 88 or 8443; the fake also takes plain http
    // so a test's gateway on 127.0.0.1 can receive it (the one documented rule relaxed).
    if (!/^https?:\/\//.test(url))
      throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    const secret = typeof values.secret_token === 'string' ? values.secret_token : undefined;
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
      throw badRequest('bad webhook: secret token contains unallowed characters');
    }
    const allowed = jsonParam<string[]>(values.allowed_updates);
    if (allowed !== undefined) this.state.allowedUpdates = allowed;
    if (isTrue(values.drop_pending_updates)) this.state.dropPending();
    this.state.webhook = { url, ...(secret !== undefined ? { secretToken: secret } : {}) };
    this.state.changed();
    return true;
  }

  private sendMessage(values: Record<string, unknown>): TgMessage {
    const chat = this.requireChat(values.chat_id);
    const { text, rawText, parseMode } = readText(
      values.text,
      values.parse_mode,
      MESSAGE_LIMIT,
      'message',
    );
    if (text.trim() === '') throw badRequest('message text is empty');
    const threadId = this.threadOf(chat, values.message_thread_id);
    const replyTo = this.replyTarget(chat, values);
    const message = this.state.botMessage(chat, {
      text,
      ...(threadId !== undefined ? { message_thread_id: threadId, is_topic_message: true } : {}),
      ...(replyTo ? { reply_to_message: replyTo } : {}),
    });
    this.state.record({
      method: 'sendMessage',
      chatId: chat.id,
      messageId: message.message_id,
      text,
      rawText,
      ...(parseMode ? { parseMode } : {}),
      ...(threadId !== undefined ? { threadId } : {}),
      ...(replyTo ? { replyToMessageId: replyTo.message_id } : {}),
    });
    return message;
  }

  private editMessageText(values: Record<string, unknown>): TgMessage {
    const chat = this.requireChat(values.chat_id);
    const message = this.state.message(chat.id, Number(values.message_id));
    if (!message) throw badRequest('message to edit not found');
    if (message.from?.id !== this.state.bot.id) throw badRequest("message can't be edited");
    const { text, rawText, parseMode } = readText(
      values.text,
      values.parse_mode,
      MESSAGE_LIMIT,
      'message',
    );
    if (text.trim() === '') throw badRequest('message text is empty');
    if (text === message.text) {
      throw badRequest(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    const edited: TgMessage = { ...message, text, edit_date: Math.floor(Date.now() / 1000) };
    this.state.remember(edited);
    this.state.record({
      method: 'editMessageText',
      chatId: chat.id,
      messageId: message.message_id,
      text,
      rawText,
      ...(parseMode ? { parseMode } : {}),
    });
    return edited;
  }

  private sendChatAction(values: Record<string, unknown>): boolean {
    const chat = this.requireChat(values.chat_id);
    const action = typeof values.action === 'string' ? values.action : '';
    const known = [
      'typing',
      'upload_photo',
      'record_video',
      'upload_video',
      'record_voice',
      'upload_voice',
      'upload_document',
      'choose_sticker',
      'find_location',
      'record_video_note',
      'upload_video_note',
    ];
    if (!known.includes(action)) throw badRequest('wrong parameter action in request');
    const threadId = this.threadOf(chat, values.message_thread_id);
    this.state.record({
      method: 'sendChatAction',
      chatId: chat.id,
      action,
      ...(threadId !== undefined ? { threadId } : {}),
    });
    return true;
  }

  private sendMedia(method: string, field: string, params: RequestParams): TgMessage {
    const values = params.values;
    const chat = this.requireChat(values.chat_id);
    const upload = params.files[field];
    const reference = typeof values[field] === 'string' ? values[field] : undefined;
    if (!upload && (reference === undefined || reference.startsWith('attach://'))) {
      throw badRequest(`there is no ${field} in the request`);
    }
    const caption =
      values.caption !== undefined
        ? readText(values.caption, values.parse_mode, CAPTION_LIMIT, 'message caption')
        : undefined;
    const threadId = this.threadOf(chat, values.message_thread_id);
    const replyTo = this.replyTarget(chat, values);
    const stored = upload
      ? this.state.addFile(upload.bytes, `${field}s`, upload.fileName)
      : { file_id: `url-${reference}`, file_unique_id: `url${reference!.length}` };
    const media =
      field === 'photo'
        ? {
            photo: [
              {
                file_id: stored.file_id,
                file_unique_id: stored.file_unique_id,
                width: 800,
                height: 600,
              },
            ],
          }
        : {
            [field]: {
              file_id: stored.file_id,
              file_unique_id: stored.file_unique_id,
              ...(upload ? { file_name: upload.fileName } : {}),
            },
          };
    const message = this.state.botMessage(chat, {
      ...media,
      ...(caption ? { caption: caption.text } : {}),
      ...(threadId !== undefined ? { message_thread_id: threadId, is_topic_message: true } : {}),
      ...(replyTo ? { reply_to_message: replyTo } : {}),
    });
    this.state.record({
      method:
        method === 'sendphoto' ? 'sendPhoto' : `send${field[0]!.toUpperCase()}${field.slice(1)}`,
      chatId: chat.id,
      messageId: message.message_id,
      file: upload ? { fileName: upload.fileName, bytes: upload.bytes } : { reference: reference! },
      ...(caption ? { text: caption.text, rawText: caption.rawText } : {}),
      ...(threadId !== undefined ? { threadId } : {}),
      ...(replyTo ? { replyToMessageId: replyTo.message_id } : {}),
    });
    return message;
  }

  private getFile(values: Record<string, unknown>) {
    const file = this.state.file(typeof values.file_id === 'string' ? values.file_id : '');
    if (!file) throw badRequest('invalid file_id');
    // file_path is relative; the bytes live at <apiRoot>/file/bot<token>/<file_path>.
    return file;
  }

  private requireChat(chatId: unknown): TgChat {
    if (chatId === undefined || chatId === '') throw badRequest('chat_id is empty');
    const chat = this.state.chat(chatId);
    if (!chat) throw badRequest('chat not found');
    return chat;
  }

  private threadOf(chat: TgChat, value: unknown): number | undefined {
    const threadId = optionalNumber(value);
    if (threadId === undefined) return undefined;
    if (!chat.is_forum || !this.state.message(chat.id, threadId))
      throw badRequest('message thread not found');
    return threadId;
  }

  /** reply_parameters (current API) or reply_to_message_id (older form). */
  private replyTarget(chat: TgChat, values: Record<string, unknown>): TgMessage | undefined {
    const parameters = jsonParam<{ message_id: number; allow_sending_without_reply?: boolean }>(
      values.reply_parameters,
    );
    const messageId = parameters?.message_id ?? optionalNumber(values.reply_to_message_id);
    if (messageId === undefined) return undefined;
    const original = this.state.message(chat.id, messageId);
    const allowMissing =
      parameters?.allow_sending_without_reply ?? isTrue(values.allow_sending_without_reply);
    if (!original && !allowMissing) throw badRequest('message to be replied not found');
    if (!original) return undefined;
    const { reply_to_message: _nested, ...flat } = original;
    return flat;
  }
}

/** The visible text of a text parameter under its parse_mode, checked against `limit`. */
function readText(
  value: unknown,
  parseMode: unknown,
  limit: number,
  what: 'message' | 'message caption',
): { text: string; rawText: string; parseMode?: string } {
  const rawText =
    typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  const mode = typeof parseMode === 'string' && parseMode !== '' ? parseMode : undefined;
  let text = rawText;
  if (mode?.toLowerCase() === 'html') {
    const parsed = parseTelegramHtml(rawText);
    if (!parsed.ok) throw badRequest(parsed.error);
    text = parsed.text;
  } else if (mode !== undefined && !['markdown', 'markdownv2'].includes(mode.toLowerCase())) {
    throw badRequest(`unsupported parse_mode`);
  }
  if (text.length > limit) throw badRequest(`${what} is too long`);
  return { text, rawText, ...(mode ? { parseMode: mode } : {}) };
}

function optionalNumber(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) throw badRequest('wrong parameter type');
  return number;
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true' || value === 'True' || value === '1';
}
