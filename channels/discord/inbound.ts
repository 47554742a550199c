import { ChannelType, cleanContent } from 'discord.js';
import type { Attachment, Message } from 'discord.js';
import type { ChannelInbound, ChatType, InboundAttachment } from '../types.js';

/**
 * A discord.js message as one ChannelInbound, or undefined for messages no turn should see
 * (other bots and webhooks — answering them risks bot loops — and system messages such as
 * joins and pins). Threads map to their parent channel with the thread as `threadId`.
 */
export function toInbound(
  message: Message,
  accountId: string,
  botUserId: string,
): ChannelInbound | undefined {
  if (message.author.bot || message.webhookId || message.system) return undefined;
  const channel = message.channel;
  const thread = channel.isThread() ? channel : undefined;
  const chatId = thread?.parentId ?? channel.id;
  const attachments = [...message.attachments.values()].map(toAttachment);
  return {
    accountId,
    chatType: chatTypeOf(channel.type),
    chatId,
    ...(thread ? { threadId: thread.id } : {}),
    senderId: message.author.id,
    senderName: message.member?.displayName ?? message.author.displayName,
    text: textOf(message, botUserId),
    ...(attachments.length > 0 ? { attachments } : {}),
    platformMessageId: message.id,
    mentioned: mentionsBot(message, botUserId),
    ...(message.reference?.messageId ? { replyToMessageId: message.reference.messageId } : {}),
    sentAt: message.createdTimestamp,
  };
}

/** DMs are direct, group DMs group; guild text channels, forums and their threads channel. */
function chatTypeOf(type: ChannelType): ChatType {
  if (type === ChannelType.DM) return 'direct';
  if (type === ChannelType.GroupDM) return 'group';
  return 'channel';
}

/**
 * A mention is the bot in the message's mentions (Discord lists `<@id>` pings there), the
 * raw `<@id>` / `<@!id>` token, or a reply to one of the bot's messages.
 */
function mentionsBot(message: Message, botUserId: string): boolean {
  if (message.mentions.users.has(botUserId)) return true;
  if (mentionToken(botUserId).test(message.content)) return true;
  return message.mentions.repliedUser?.id === botUserId;
}

/**
 * The text the model reads: the bot's own mention removed (it only addressed the bot) and
 * other mentions shown as names, as the Discord client shows them.
 */
function textOf(message: Message, botUserId: string): string {
  const withoutBot = message.content.replace(new RegExp(mentionToken(botUserId).source, 'g'), ' ');
  return cleanContent(withoutBot, message.channel)
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

function mentionToken(botUserId: string): RegExp {
  return new RegExp(`<@!?${botUserId}>`);
}

/** An attachment fetched from Discord's CDN URL when the runtime asks for its bytes. */
function toAttachment(attachment: Attachment): InboundAttachment {
  const mimeType = attachment.contentType ?? undefined;
  return {
    kind: kindOf(mimeType),
    fileName: attachment.name,
    ...(mimeType ? { mimeType } : {}),
    size: attachment.size,
    async download() {
      const response = await fetch(attachment.url);
      if (!response.ok || !response.body) {
        throw new Error(`Discord attachment ${attachment.name}: HTTP ${response.status}`);
      }
      // A stream, so the mediaMaxMb cap can stop a download that outgrows it.
      return response.body;
    },
  };
}

function kindOf(mimeType: string | undefined): InboundAttachment['kind'] {
  if (mimeType?.startsWith('image/')) return 'image';
  if (mimeType?.startsWith('audio/')) return 'audio';
  if (mimeType?.startsWith('video/')) return 'video';
  return 'file';
}
