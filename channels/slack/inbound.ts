import type { webApi } from '@slack/bolt';
import type { ChannelInbound, ChatType, InboundAttachment } from '../types.js';

/** A file shared with a message, as the event carries it. */
interface SlackFileRef {
  id: string;
  name?: string;
  mimetype?: string;
  size?: number;
  url_private_download?: string;
  url_private?: string;
}

/** The fields of a `message` or `app_mention` event this channel reads. */
export interface SlackUserMessage {
  type: 'message' | 'app_mention';
  channel: string;
  /** im / mpim / channel / group on message events; app_mention does not carry it. */
  channelType?: string;
  user: string;
  text: string;
  ts: string;
  threadTs?: string;
  parentUserId?: string;
  files: SlackFileRef[];
}

/** Message subtypes that are a person writing to the bot; all others are ignored. */
const userSubtypes = new Set([undefined, 'file_share', 'thread_broadcast']);

/**
 * The person-written message inside an event, or undefined for what the bot must not answer:
 * other bots (bot_id), edits and deletions (message_changed, message_deleted), joins...
 */
export function userMessageOf(event: Record<string, unknown>): SlackUserMessage | undefined {
  const type = event.type;
  if (type !== 'message' && type !== 'app_mention') return undefined;
  const subtype = typeof event.subtype === 'string' ? event.subtype : undefined;
  if (!userSubtypes.has(subtype) || event.bot_id !== undefined) return undefined;
  const { channel, user, ts } = event;
  if (typeof channel !== 'string' || typeof user !== 'string' || typeof ts !== 'string') {
    return undefined;
  }
  const text = typeof event.text === 'string' ? event.text : '';
  const threadTs = typeof event.thread_ts === 'string' ? event.thread_ts : undefined;
  return {
    type,
    channel,
    ...(typeof event.channel_type === 'string' ? { channelType: event.channel_type } : {}),
    user,
    text,
    ts,
    // A thread's parent carries thread_ts === ts once it has replies: that is not "in a thread".
    ...(threadTs && threadTs !== ts ? { threadTs } : {}),
    ...(typeof event.parent_user_id === 'string' ? { parentUserId: event.parent_user_id } : {}),
    files: Array.isArray(event.files) ? (event.files as SlackFileRef[]) : [],
  };
}

/** Slack's conversation types as our chat types: DM, group DM, channel (public or private). */
export function chatTypeOf(channelType: string): ChatType {
  if (channelType === 'im') return 'direct';
  if (channelType === 'mpim') return 'group';
  return 'channel';
}

/**
 * Conversation types and user names, asked of the Web API once per id (app_mention events
 * carry no channel_type; events carry user ids, not names). Per account, bounded.
 */
export class SlackDirectory {
  private readonly chatTypes = new Map<string, Promise<ChatType>>();
  private readonly names = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly maxEntries = 2000,
  ) {}

  /** The chat type of a conversation: from the event when it says, else conversations.info. */
  chatType(channel: string, channelType?: string): Promise<ChatType> {
    if (channelType) return Promise.resolve(chatTypeOf(channelType));
    return this.cached(this.chatTypes, channel, async () => {
      // D... ids are direct messages; C/G ids need asking (a G can be a group DM).
      if (channel.startsWith('D')) return 'direct';
      const info = await this.client.conversations.info({ channel });
      const conversation = info.channel;
      if (conversation?.is_im) return 'direct';
      if (conversation?.is_mpim) return 'group';
      return 'channel';
    });
  }

  /** A user's display name, or undefined when users.info fails (missing users:read scope). */
  displayName(user: string): Promise<string | undefined> {
    return this.cached(this.names, user, async () => {
      try {
        const info = await this.client.users.info({ user });
        const profile = info.user?.profile;
        return profile?.display_name || profile?.real_name || info.user?.name || undefined;
      } catch {
        return undefined;
      }
    });
  }

  private cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>) {
    const known = map.get(key);
    if (known) return known;
    const loading = load();
    // A failed lookup is not remembered: the next message asks again.
    loading.catch(() => map.delete(key));
    if (map.size >= this.maxEntries) map.delete(map.keys().next().value as string);
    map.set(key, loading);
    return loading;
  }
}

/** What normalizing a message needs besides the message. */
export interface InboundContext {
  accountId: string;
  botUserId: string;
  botToken: string;
  chatType: ChatType;
  senderName: string | undefined;
  /** The message is in a thread the bot has posted in. */
  inBotThread: boolean;
}

/** A Slack message as the channel layer's inbound message. */
export function toChannelInbound(
  message: SlackUserMessage,
  context: InboundContext,
): ChannelInbound {
  const botMention = new RegExp(`<@${context.botUserId}(\\|[^>]*)?>`, 'g');
  const mentioned =
    message.type === 'app_mention' ||
    botMention.test(message.text) ||
    // Replying in a thread the bot started or answered in counts as talking to it.
    (message.threadTs !== undefined &&
      (message.parentUserId === context.botUserId || context.inBotThread));
  const attachments = message.files
    .filter((file) => file.url_private_download ?? file.url_private)
    .map((file) => attachmentOf(file, context.botToken));
  return {
    accountId: context.accountId,
    chatType: context.chatType,
    chatId: message.channel,
    ...(message.threadTs ? { threadId: message.threadTs, replyToMessageId: message.threadTs } : {}),
    senderId: message.user,
    ...(context.senderName ? { senderName: context.senderName } : {}),
    text: plainText(message.text.replace(botMention, ' ')),
    ...(attachments.length > 0 ? { attachments } : {}),
    platformMessageId: message.ts,
    mentioned,
    sentAt: Math.round(Number(message.ts) * 1000),
  };
}

/** Slack escapes &, < and > in message text; the model reads the characters. */
function plainText(text: string): string {
  return text
    .replace(/[ \t]{2,}/g, ' ')
    .trim()
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attachmentOf(file: SlackFileRef, botToken: string): InboundAttachment {
  const mimeType = file.mimetype;
  const kind = mimeType?.startsWith('image/')
    ? 'image'
    : mimeType?.startsWith('audio/')
      ? 'audio'
      : mimeType?.startsWith('video/')
        ? 'video'
        : 'file';
  const url = file.url_private_download ?? file.url_private ?? '';
  return {
    kind,
    fileName: file.name ?? file.id,
    ...(mimeType ? { mimeType } : {}),
    ...(file.size !== undefined ? { size: file.size } : {}),
    async download() {
      // Private file URLs need the bot token; without files:read Slack sends a sign-in page.
      const response = await fetch(url, { headers: { authorization: `Bearer ${botToken}` } });
      const type = response.headers.get('content-type') ?? '';
      if (!response.ok || (type.startsWith('text/html') && !mimeType?.startsWith('text/html'))) {
        throw new Error(
          `Slack file ${file.id} could not be downloaded (HTTP ${response.status}); does the app have the files:read scope?`,
        );
      }
      // Streamed, so the mediaMaxMb cap can stop a file larger than Slack said.
      return response.body ?? new Uint8Array(await response.arrayBuffer());
    },
  };
}
