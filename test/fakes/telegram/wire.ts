// The slice of the Telegram Bot API's object model the fake serves, spelled as
// https://core.telegram.org/bots/api documents it (snake_case, Unix-second dates).

/** https://core.telegram.org/bots/api#user */
export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** https://core.telegram.org/bots/api#chat */
export interface TgChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
  is_forum?: true;
}

/** https://core.telegram.org/bots/api#messageentity */
export interface TgEntity {
  type: string;
  /** Offset and length count UTF-16 code units. */
  offset: number;
  length: number;
  url?: string;
  user?: TgUser;
  language?: string;
}

/** https://core.telegram.org/bots/api#photosize */
export interface TgPhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size?: number;
}

/** https://core.telegram.org/bots/api#document */
export interface TgDocument {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  file_size?: number;
}

/** https://core.telegram.org/bots/api#message (the fields the fake fills). */
export interface TgMessage {
  message_id: number;
  message_thread_id?: number;
  from?: TgUser;
  sender_chat?: TgChat;
  date: number;
  edit_date?: number;
  chat: TgChat;
  is_topic_message?: true;
  reply_to_message?: TgMessage;
  text?: string;
  entities?: TgEntity[];
  caption?: string;
  caption_entities?: TgEntity[];
  photo?: TgPhotoSize[];
  document?: TgDocument;
  audio?: TgDocument;
  video?: TgDocument & { width: number; height: number; duration: number };
  forum_topic_created?: { name: string; icon_color: number };
  /** https://core.telegram.org/bots/api#sticker (the fields the fake fills) */
  sticker?: {
    file_id: string;
    file_unique_id: string;
    type: 'regular';
    width: number;
    height: number;
    is_animated: boolean;
    is_video: boolean;
  };
  /** https://core.telegram.org/bots/api#poll (the fields the fake fills) */
  poll?: {
    id: string;
    question: string;
    options: { text: string; voter_count: number }[];
    total_voter_count: number;
    is_closed: boolean;
    is_anonymous: boolean;
    type: 'regular' | 'quiz';
    allows_multiple_answers: boolean;
  };
}

/** https://core.telegram.org/bots/api#update */
export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  channel_post?: TgMessage;
}

/** https://core.telegram.org/bots/api#file */
export interface TgFile {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
  file_path?: string;
}

/** https://core.telegram.org/bots/api#responseparameters */
export interface TgResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

/** The envelope of every Bot API answer. */
export type TgResponse =
  | { ok: true; result: unknown; description?: string }
  | { ok: false; error_code: number; description: string; parameters?: TgResponseParameters };

/** A Bot API error as the server reports it: HTTP status = error_code. */
export class TgApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: TgResponseParameters,
  ) {
    super(description);
  }

  toResponse(): TgResponse {
    return {
      ok: false,
      error_code: this.errorCode,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

/** `400 Bad Request: <what>` as Telegram words it. */
export function badRequest(what: string): TgApiError {
  return new TgApiError(400, `Bad Request: ${what}`);
}

/** A 429 with the documented `parameters.retry_after` (seconds). */
export function tooManyRequests(retryAfterSeconds: number): TgApiError {
  return new TgApiError(429, `Too Many Requests: retry after ${retryAfterSeconds}`, {
    retry_after: retryAfterSeconds,
  });
}
