/**
 * A Mattermost `posted` WebSocket event → the channel layer's ChannelInbound: direct
 * (channel type D) or group DM (G) or channel (O public, P private); the thread (`root_id`);
 * files fetched only when the runtime asks; whether the post addresses the bot under the
 * account's chatmode (an @mention, any message, or an onchar prefix, which is removed).
 */
import type { ChannelInbound, ChatType, InboundAttachment } from '../types.js';
import type { MattermostAccount } from './config.js';
import type { MattermostEvent } from './event-stream.js';

/** The post fields the channel reads (the event carries the post as a JSON string). */
export interface MattermostPost {
  id: string;
  create_at: number;
  user_id: string;
  channel_id: string;
  root_id: string;
  message: string;
  type: string;
  file_ids?: string[];
  metadata?: { files?: { id: string; name: string; size: number; mime_type: string }[] };
}

/** The bot as /users/me described it. */
export interface MattermostBot {
  id: string;
  username: string;
}

/** Fetches a file's bytes by file id. */
export type FileDownloader = (fileId: string) => ReturnType<InboundAttachment['download']>;

/** Mattermost channel types in the channel layer's terms. */
export function chatTypeOf(channelType: unknown): ChatType {
  if (channelType === 'D') return 'direct';
  if (channelType === 'G') return 'group';
  return 'channel';
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Normalize a `posted` event; undefined for the bot's own posts and system messages. */
export function normalizePosted(
  event: MattermostEvent,
  bot: MattermostBot,
  account: MattermostAccount,
  accountId: string,
  download: FileDownloader,
): ChannelInbound | undefined {
  if (event.event !== 'posted' || typeof event.data.post !== 'string') return undefined;
  const post = JSON.parse(event.data.post) as MattermostPost;
  if (post.user_id === bot.id || post.type !== '') return undefined;
  const chatType = chatTypeOf(event.data.channel_type);
  const mentionIds =
    typeof event.data.mentions === 'string' ? (JSON.parse(event.data.mentions) as string[]) : [];
  const byName = new RegExp(`(^|[^\\w.-])@${escapeRegExp(bot.username)}(?![\\w-])`, 'i');
  const atMention = mentionIds.includes(bot.id) || byName.test(post.message);
  let text = post.message;
  let addressed = atMention;
  if (chatType !== 'direct') {
    if (account.chatmode === 'onmessage') addressed = true;
    if (account.chatmode === 'onchar') {
      const prefix = account.oncharPrefixes.find((candidate) =>
        text.trimStart().startsWith(candidate),
      );
      if (prefix !== undefined) {
        text = text.trimStart().slice(prefix.length).trimStart();
        addressed = true;
      }
    }
    if (account.chatmode === 'oncall' && !account.requireMention) addressed = true;
  }
  const files = post.metadata?.files ?? [];
  const attachments: InboundAttachment[] = files.map((file) => ({
    kind: file.mime_type.startsWith('image/')
      ? 'image'
      : file.mime_type.startsWith('audio/')
        ? 'audio'
        : file.mime_type.startsWith('video/')
          ? 'video'
          : 'file',
    fileName: file.name,
    mimeType: file.mime_type,
    size: file.size,
    download: () => download(file.id),
  }));
  if (text.trim() === '' && attachments.length === 0) return undefined;
  const senderName =
    typeof event.data.sender_name === 'string' ? event.data.sender_name : undefined;
  return {
    accountId,
    chatType,
    chatId: post.channel_id,
    ...(post.root_id ? { threadId: post.root_id } : {}),
    senderId: post.user_id,
    ...(senderName ? { senderName: senderName.replace(/^@/, '') } : {}),
    text,
    ...(attachments.length > 0 ? { attachments } : {}),
    platformMessageId: post.id,
    mentioned: addressed,
    sentAt: post.create_at,
  };
}
