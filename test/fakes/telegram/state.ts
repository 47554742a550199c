// What the fake Bot API server remembers: chats and their messages, the update queue with
// its confirmation offset, uploaded and downloadable files, the webhook, and the log of
// what the bot sent.
import type { TgChat, TgEntity, TgFile, TgMessage, TgPhotoSize, TgUpdate, TgUser } from './wire.js';

/** One thing the bot did to a chat, as tests assert on it. */
export interface SentRecord {
  method: string;
  chatId: number;
  messageId?: number;
  threadId?: number;
  /** Visible text (HTML already parsed), or a caption. */
  text?: string;
  /** Text exactly as sent, markup included. */
  rawText?: string;
  parseMode?: string;
  replyToMessageId?: number;
  action?: string;
  /** An uploaded file, or the URL / file_id the bot passed instead. */
  file?: { fileName: string; bytes: Buffer } | { reference: string };
  /** setMessageReaction: the emoji set (empty: reactions removed). */
  reaction?: string[];
  /** sendPoll: the answer options (the question is `text`). */
  options?: string[];
}

/** A message a test user sends; the chat defaults to the private chat with `from`. */
export interface UserMessageInput {
  from?: Partial<TgUser> & { id: number };
  chat?: TgChat;
  text?: string;
  caption?: string;
  /** Given entities replace the ones the fake derives (@mentions, /commands). */
  entities?: TgEntity[];
  /** message_id, in the same chat, this message replies to. */
  replyTo?: number;
  /** Forum topic (message_thread_id) in a chat with is_forum. */
  threadId?: number;
  photo?: { bytes: Buffer; width?: number; height?: number };
  document?: { bytes: Buffer; fileName: string; mimeType?: string };
}

/** The fake's memory; `onChange` wakes long polls, webhook delivery and test waiters. */
export class TelegramState {
  readonly sent: SentRecord[] = [];
  readonly webhookDeliveries: { updateId: number; status: number }[] = [];
  webhook: { url: string; secretToken?: string } | undefined;
  /** The last allowed_updates the bot asked for ([] = the default set). */
  allowedUpdates: string[] = [];
  private readonly chats = new Map<number, TgChat>();
  private readonly messages = new Map<string, TgMessage>();
  private readonly lastMessageId = new Map<number, number>();
  private readonly files = new Map<string, { file: TgFile; bytes: Buffer }>();
  private updates: TgUpdate[] = [];
  private nextUpdateId = 100_000;
  private nextFileId = 1;
  private closed = false;

  private wakeWebhook: () => void = () => {};

  constructor(
    readonly bot: TgUser,
    private readonly onChange: () => void,
  ) {}

  /** Tell long polls, the webhook sender and test waiters that something changed. */
  changed(): void {
    this.onChange();
    this.wakeWebhook();
  }

  /** A test user's message: stored, and queued as an update. */
  userSends(input: UserMessageInput): TgUpdate {
    const chat = input.chat ?? privateChatOf(input.from);
    this.chats.set(chat.id, chat);
    const message: TgMessage = {
      message_id: this.nextMessageId(chat.id),
      date: Math.floor(Date.now() / 1000),
      chat,
    };
    if (chat.type === 'channel') message.sender_chat = chat;
    else message.from = { is_bot: false, first_name: 'User', ...input.from } as TgUser;
    if (input.threadId !== undefined && chat.is_forum) {
      message.message_thread_id = input.threadId;
      message.is_topic_message = true;
      // In a forum every topic message without an explicit reply replies to the topic's
      // creation message (whose id is the thread id).
      message.reply_to_message = this.topicStart(chat, input.threadId);
    }
    if (input.replyTo !== undefined) {
      const original = this.messages.get(`${chat.id}:${input.replyTo}`);
      if (!original) throw new Error(`no message ${input.replyTo} in chat ${chat.id}`);
      message.reply_to_message = withoutReply(original);
    }
    if (input.text !== undefined) {
      message.text = input.text;
      const entities = input.entities ?? deriveEntities(input.text);
      if (entities.length > 0) message.entities = entities;
    }
    if (input.caption !== undefined) {
      message.caption = input.caption;
      const entities = input.entities ?? deriveEntities(input.caption);
      if (entities.length > 0) message.caption_entities = entities;
    }
    if (input.photo) message.photo = this.photoSizes(input.photo);
    if (input.document) {
      const file = this.addFile(input.document.bytes, 'documents', input.document.fileName);
      message.document = {
        file_id: file.file_id,
        file_unique_id: file.file_unique_id,
        file_name: input.document.fileName,
        ...(input.document.mimeType ? { mime_type: input.document.mimeType } : {}),
        file_size: input.document.bytes.length,
      };
    }
    this.remember(message);
    return this.pushUpdate(chat.type === 'channel' ? { channel_post: message } : { message });
  }

  /** Queue an update with the next update_id. */
  pushUpdate(update: Omit<TgUpdate, 'update_id'>): TgUpdate {
    const full: TgUpdate = { update_id: this.nextUpdateId++, ...update };
    this.updates.push(full);
    this.changed();
    return full;
  }

  /**
   * getUpdates' offset rule: every update below `offset` is confirmed and forgotten; a
   * negative offset keeps only the last -offset updates.
   */
  confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    const before = this.updates.length;
    this.updates =
      offset < 0
        ? this.updates.slice(offset)
        : this.updates.filter((update) => update.update_id >= offset);
    if (this.updates.length !== before) this.changed();
  }

  /** Unconfirmed updates of the types the bot asked for. */
  pending(): TgUpdate[] {
    if (this.allowedUpdates.length === 0) return [...this.updates];
    return this.updates.filter((update) => this.allowedUpdates.some((type) => type in update));
  }

  dropPending(): void {
    this.updates = [];
    this.changed();
  }

  chat(chatId: unknown): TgChat | undefined {
    return this.chats.get(Number(chatId));
  }

  message(chatId: number, messageId: number): TgMessage | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }

  /** A message from the bot, stored so replies to it and edits of it work. */
  botMessage(chat: TgChat, fields: Partial<TgMessage>): TgMessage {
    const message: TgMessage = {
      message_id: this.nextMessageId(chat.id),
      from: this.bot,
      date: Math.floor(Date.now() / 1000),
      chat,
      ...fields,
    };
    this.remember(message);
    return message;
  }

  /** Drop a message (deleteMessage). */
  forget(chatId: number, messageId: number): void {
    this.messages.delete(`${chatId}:${messageId}`);
  }

  remember(message: TgMessage): void {
    this.messages.set(`${message.chat.id}:${message.message_id}`, message);
  }

  record(entry: SentRecord): void {
    this.sent.push(entry);
    this.changed();
  }

  /** Store bytes as a file the bot can fetch with getFile and download. */
  addFile(bytes: Buffer, folder: string, fileName: string): TgFile {
    const number = this.nextFileId++;
    const extension = /\.[A-Za-z0-9]+$/.exec(fileName)?.[0] ?? '';
    const file: TgFile = {
      file_id: `AgAD-file-${number}`,
      file_unique_id: `uniq${number}`,
      file_size: bytes.length,
      file_path: `${folder}/file_${number}${extension}`,
    };
    this.files.set(file.file_id, { file, bytes });
    return file;
  }

  file(fileId: string): TgFile | undefined {
    return this.files.get(fileId)?.file;
  }

  fileBytes(filePath: string): Buffer | undefined {
    for (const entry of this.files.values()) {
      if (entry.file.file_path === filePath) return entry.bytes;
    }
    return undefined;
  }

  /** POST pending updates to the webhook one at a time; non-2xx answers are retried. */
  startWebhookDelivery(retryMs: number): { stop(): void } {
    const loop = async () => {
      while (!this.closed) {
        const update = this.webhook ? this.pending()[0] : undefined;
        if (!this.webhook || !update) {
          await new Promise<void>((resolve) => (this.wakeWebhook = resolve));
          continue;
        }
        const status = await postUpdate(this.webhook, update);
        this.webhookDeliveries.push({ updateId: update.update_id, status });
        if (status >= 200 && status < 300) this.confirm(update.update_id + 1);
        else await new Promise((resolve) => setTimeout(resolve, retryMs));
        this.changed();
      }
    };
    void loop();
    return {
      stop: () => {
        this.closed = true;
        this.wakeWebhook();
      },
    };
  }

  close(): void {
    this.closed = true;
  }

  private photoSizes(photo: { bytes: Buffer; width?: number; height?: number }): TgPhotoSize[] {
    // Telegram sends several sizes, smallest first; only the largest is the original.
    const width = photo.width ?? 1280;
    const height = photo.height ?? 960;
    const thumb = this.addFile(photo.bytes.subarray(0, 16), 'photos', 'thumb.jpg');
    const full = this.addFile(photo.bytes, 'photos', 'photo.jpg');
    return [
      {
        file_id: thumb.file_id,
        file_unique_id: thumb.file_unique_id,
        width: 90,
        height: 68,
        file_size: 16,
      },
      {
        file_id: full.file_id,
        file_unique_id: full.file_unique_id,
        width,
        height,
        file_size: photo.bytes.length,
      },
    ];
  }

  private topicStart(chat: TgChat, threadId: number): TgMessage {
    const existing = this.messages.get(`${chat.id}:${threadId}`);
    if (existing) return existing;
    const start: TgMessage = {
      message_id: threadId,
      message_thread_id: threadId,
      date: Math.floor(Date.now() / 1000),
      chat,
      forum_topic_created: { name: `Topic ${threadId}`, icon_color: 7322096 },
    };
    this.lastMessageId.set(chat.id, Math.max(this.lastMessageId.get(chat.id) ?? 0, threadId));
    this.remember(start);
    return start;
  }

  private nextMessageId(chatId: number): number {
    const next = (this.lastMessageId.get(chatId) ?? 0) + 1;
    this.lastMessageId.set(chatId, next);
    return next;
  }
}

function privateChatOf(from: UserMessageInput['from']): TgChat {
  if (!from) throw new Error('a message needs `from` or a channel `chat`');
  return {
    id: from.id,
    type: 'private',
    first_name: from.first_name ?? 'User',
    ...(from.username ? { username: from.username } : {}),
  };
}

/** Telegram nests only one level of reply_to_message. */
function withoutReply(message: TgMessage): TgMessage {
  const { reply_to_message: _ignored, ...rest } = message;
  return rest;
}

/** The entities Telegram's servers derive from plain text: @mentions and /commands. */
function deriveEntities(text: string): TgEntity[] {
  const entities: TgEntity[] = [];
  for (const match of text.matchAll(/(^|[^\w@/])(@[A-Za-z][A-Za-z0-9_]{3,31})/g)) {
    entities.push({
      type: 'mention',
      offset: match.index + match[1]!.length,
      length: match[2]!.length,
    });
  }
  for (const match of text.matchAll(
    /(^|\s)(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z][A-Za-z0-9_]{3,31})?)/g,
  )) {
    entities.push({
      type: 'bot_command',
      offset: match.index + match[1]!.length,
      length: match[2]!.length,
    });
  }
  return entities.sort((a, b) => a.offset - b.offset);
}

async function postUpdate(
  webhook: { url: string; secretToken?: string },
  update: TgUpdate,
): Promise<number> {
  try {
    const response = await fetch(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(webhook.secretToken ? { 'x-telegram-bot-api-secret-token': webhook.secretToken } : {}),
      },
      body: JSON.stringify(update),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}
