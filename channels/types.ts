/**
 * The ChannelPlugin contract: what every messaging channel implements, and what the
 * shared channel runtime (channels/runtime/) gives it. Kept deliberately small; see
 * channels/README.md. A channel uses its platform SDK directly inside its own folder.
 */
import type { z } from 'zod';
import type { Logger } from '../core/logger.js';
import type { DeliveryTarget } from '../workflows/types.js';

export type { DeliveryTarget };

/** Kinds of chat a platform has; they decide the session key and the access policy. */
export type ChatType = 'direct' | 'group' | 'channel';

/** What a channel can do; the runtime and (later) the message tool read it. */
export interface ChannelCapabilities {
  chatTypes: ChatType[];
  threads: boolean;
  media: boolean;
  reactions: boolean;
  edit: boolean;
  typing: boolean;
  /** Replies can quote the message they answer. */
  reply: boolean;
}

/** A file that came with an inbound message, not yet downloaded. */
export interface InboundAttachment {
  kind: 'image' | 'file' | 'audio' | 'video';
  /** Platform file name or a made-up one with the right extension. */
  fileName: string;
  mimeType?: string;
  /** Size as the platform reports it, when it does (checked against mediaMaxMb before download). */
  size?: number;
  /**
   * Fetch the bytes (the channel knows how: a file URL with its token, getFile, ...). A
   * stream (e.g. a fetch Response body) lets the mediaMaxMb cap stop an unsized download early.
   */
  download(): Promise<Uint8Array | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>>;
}

/** One platform message, normalized by the channel. */
export interface ChannelInbound {
  accountId: string;
  chatType: ChatType;
  /** The chat (DM peer chat, group, channel or room) as the platform names it. */
  chatId: string;
  /** Thread or forum topic inside the chat. */
  threadId?: string;
  /**
   * `topic` for a Telegram forum topic: part of the chat's session key
   * (`<chatId>:topic:<id>`) rather than a thread suffix. Default `thread`.
   */
  threadKind?: 'thread' | 'topic';
  /** Who sent it (platform user id) and their display name. */
  senderId: string;
  senderName?: string;
  text: string;
  attachments?: InboundAttachment[];
  /** The platform's id of this message: with channel, account and chat it is the message id. */
  platformMessageId: string;
  /** The bot was mentioned (mention entity or its name) or the message replies to the bot. */
  mentioned: boolean;
  /** The platform id of the message this one replies to, if any. */
  replyToMessageId?: string;
  /** Platform timestamp in ms, when it has one. */
  sentAt?: number;
}

/** What the runtime answers when the channel hands it a message. */
export type InboundOutcome =
  | { status: 'accepted'; sessionKey: string; runId: string }
  | { status: 'duplicate'; sessionKey: string; runId: string }
  | {
      status: 'dropped';
      reason: 'dm-not-allowed' | 'group-not-allowed' | 'no-mention' | 'pairing-pending' | 'empty';
    }
  | { status: 'pairing'; code: string };

/** Outbound text: one chunk, already within the platform's limit and in its format. */
export interface SendTextInput {
  target: DeliveryTarget;
  text: string;
  /** The chunk is formatted for the platform (HTML, mrkdwn); false = plain text fallback. */
  formatted: boolean;
  /** Reply to this platform message (per replyToMode); undefined = no quote. */
  replyToMessageId?: string;
  /** Stable per chunk: platforms with an idempotency key get it. */
  deliveryId: string;
}

/** Outbound media: a local file path or an http(s) URL the agent named with `MEDIA:`. */
export interface SendMediaInput {
  target: DeliveryTarget;
  /** Local absolute path (inside the workspace) or URL. */
  source: string;
  kind: 'image' | 'file' | 'audio' | 'video';
  caption?: string;
  replyToMessageId?: string;
  deliveryId: string;
}

/** What a successful send returns (the platform's message id). */
export interface SentMessage {
  platformMessageId: string;
}

/**
 * A send failed. `retryAfterMs` for rate limits (429 retry_after), `retryable` false for
 * errors a retry cannot fix (4xx other than 429): the platform's own message is kept.
 * `formatting` true when the platform rejected the formatting (the runtime then resends
 * plain text).
 */
export class ChannelSendError extends Error {
  override readonly name = 'ChannelSendError';
  constructor(
    message: string,
    readonly options: {
      retryable: boolean;
      retryAfterMs?: number;
      formatting?: boolean;
      status?: number;
    },
  ) {
    super(message);
  }
}

/** Live state of one account, as channels.status shows it. */
export interface ChannelAccountStatus {
  channel: string;
  accountId: string;
  configured: boolean;
  enabled: boolean;
  running: boolean;
  connected: boolean;
  /** The bot's own name or id on the platform, once known. */
  botName?: string;
  lastInboundAt?: number;
  lastOutboundAt?: number;
  lastError?: string;
  lastErrorAt?: number;
}

/** Given to a channel account when it starts. */
export interface ChannelStartContext<Account> {
  accountId: string;
  account: Account;
  logger: Logger;
  /** Aborted when the account must stop. */
  signal: AbortSignal;
  /**
   * The gateway's state dir. A channel keeps its own files (a sync token, a login session,
   * a crypto store) under `<stateDir>/credentials/<channel id>/`.
   */
  stateDir?: string;
  /**
   * Hand a platform message to the agent. Resolves once it is durably queued in its
   * session workflow (or dropped by policy): only then may a platform offset be confirmed.
   */
  receive(message: ChannelInbound): Promise<InboundOutcome>;
  /** Report connection state changes and errors (shown by channels.status). */
  setStatus(
    patch: Partial<Pick<ChannelAccountStatus, 'connected' | 'botName' | 'lastError'>>,
  ): void;
  /**
   * Register an HTTP route on the gateway's port (webhooks). Returns false when the gateway
   * is not serving HTTP in this process.
   */
  registerHttpRoute?(route: ChannelHttpRoute): boolean;
}

/** A webhook route a channel serves on the gateway's port. */
export interface ChannelHttpRoute {
  method: 'POST' | 'GET';
  path: string;
  /** Raw body bytes are given so signatures can be checked. */
  handler(request: {
    headers: Record<string, string | string[] | undefined>;
    rawBody: Buffer;
    query: Record<string, string>;
  }): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }>;
}

/** A chat (and thread) a message-level operation works in; a DeliveryTarget is one. */
export interface ChannelChatRef {
  chatId: string;
  threadId?: string;
}

/** One message as readMessages returns it. */
export interface ChannelMessage {
  platformMessageId: string;
  senderId?: string;
  senderName?: string;
  text: string;
  /** Platform timestamp in ms. */
  sentAt?: number;
  threadId?: string;
}

/** A started account: outbound calls and stopping. */
export interface ChannelAccountHandle {
  sendText(input: SendTextInput): Promise<SentMessage>;
  sendMedia(input: SendMediaInput): Promise<SentMessage>;
  /** Show "typing…" in a chat (no-op on platforms without it). */
  sendTyping?(target: DeliveryTarget): Promise<void>;
  /**
   * Edit a sent message (draft streaming). `formatted` as in SendTextInput: drafts are
   * plain text (false, the default); the final reply's first chunk is formatted.
   */
  editText?(
    target: DeliveryTarget,
    platformMessageId: string,
    text: string,
    options?: { formatted: boolean },
  ): Promise<void>;
  /**
   * Add the bot's reaction to a message (`remove`: take it away). Optional, like the three
   * below: the message tool says so when a channel lacks one. Failures throw ChannelSendError.
   */
  react?(
    target: ChannelChatRef,
    platformMessageId: string,
    emoji: string,
    options?: { remove?: boolean },
  ): Promise<void>;
  /** Delete a message (the bot's own; others' where the platform lets a bot). */
  deleteMessage?(target: ChannelChatRef, platformMessageId: string): Promise<void>;
  /** A chat's recent messages, newest first (platforms whose bots may read history). */
  readMessages?(target: ChannelChatRef, options: { limit: number }): Promise<ChannelMessage[]>;
  /**
   * A platform-specific operation of the `<channel>_actions` tool (pin, polls, moderation):
   * `params` is that tool's validated input; the result is JSON for the model. Throws
   * ChannelSendError with the platform's own message when the platform refuses.
   */
  action?(name: string, params: Record<string, unknown>): Promise<unknown>;
  /** Probe the platform (getMe, auth.test, /users/@me): throws with the reason on failure. */
  probe(): Promise<{ botName: string }>;
  stop(): Promise<void>;
}

/** Options every channel account shares (under channels.<id> and channels.<id>.accounts.<a>). */
export interface CommonAccountOptions {
  enabled: boolean;
  dmPolicy: 'pairing' | 'allowlist' | 'open' | 'disabled';
  allowFrom: string[];
  groupPolicy: 'allowlist' | 'open' | 'disabled';
  groupAllowFrom: string[];
  groups: Record<string, { requireMention?: boolean; enabled?: boolean; allowFrom?: string[] }>;
  replyToMode: 'off' | 'first' | 'all';
  textChunkLimit?: number;
  mediaMaxMb: number;
  /** Action groups switched on or off (`channels.<id>.actions`); unset = the group's default. */
  actions?: Record<string, boolean>;
}

/**
 * A messaging channel. `configSchema` validates one account's own options (the common
 * ones are merged in by the runtime); `start` connects one account.
 */
export interface ChannelPlugin<Account extends CommonAccountOptions = CommonAccountOptions> {
  id: string;
  label: string;
  capabilities: ChannelCapabilities;
  /** The platform's text limit per message (Telegram 4000, Discord 2000, Slack 4000). */
  textChunkLimit: number;
  /** Model Markdown → the platform's format. */
  formatText(markdown: string): string;
  /** Label of a user id in pairing messages (e.g. telegramUserId). */
  idLabel: string;
  /** zod schema of one account's channel-specific options (strict; common keys added by the runtime). */
  configSchema: z.ZodType<Account>;
  /** Whether an account has what it needs to start (a token...). */
  isConfigured(account: Account): boolean;
  /**
   * The channel has its account `default` without a `channels.<id>` section and serves no
   * delivery queue: its turns answer over the gateway's own WebSocket (WebChat).
   */
  implicit?: boolean;
  start(context: ChannelStartContext<Account>): Promise<ChannelAccountHandle>;
}
