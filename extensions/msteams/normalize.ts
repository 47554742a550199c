/**
 * A Bot Framework message activity from Teams → ChannelInbound. `conversationType` says
 * the chat kind: `personal` (a 1:1 chat with the bot) is direct, `groupChat` a group,
 * `channel` a team channel, where the conversation id carries the thread as
 * `;messageid=<root>`. The bot counts as mentioned when a `mention` entity names it (its
 * `<at>Name</at>` text is stripped so the model sees the question alone); other mentions
 * stay as `@Name`.
 */
import type { ChannelInbound, ChatType } from '../../channels/types.js';

interface ChannelAccount {
  id?: string;
  name?: string;
  aadObjectId?: string;
}

/** The parts of an activity that are read here. */
export interface TeamsActivity {
  type?: string;
  id?: string;
  timestamp?: string;
  serviceUrl?: string;
  channelId?: string;
  from?: ChannelAccount;
  recipient?: ChannelAccount;
  conversation?: {
    id?: string;
    conversationType?: 'personal' | 'groupChat' | 'channel';
    tenantId?: string;
    isGroup?: boolean;
  };
  text?: string;
  textFormat?: string;
  replyToId?: string;
  entities?: { type?: string; mentioned?: ChannelAccount; text?: string }[];
  attachments?: { contentType?: string; contentUrl?: string; name?: string }[];
}

/** A conversation id split into the chat and (in team channels) the thread's root message. */
export function splitConversationId(id: string): { chatId: string; threadId?: string } {
  const match = /^(.*?);messageid=(\d+)$/.exec(id);
  return match ? { chatId: match[1]!, threadId: match[2]! } : { chatId: id };
}

const chatTypeOf = (activity: TeamsActivity): ChatType => {
  switch (activity.conversation?.conversationType) {
    case 'channel':
      return 'channel';
    case 'groupChat':
      return 'group';
    case 'personal':
      return 'direct';
    case undefined:
      return activity.conversation?.isGroup ? 'group' : 'direct';
  }
};

const decodeEntities = (text: string) =>
  text
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** Normalize a message activity; undefined when it is none a turn could answer. */
export function normalizeActivity(
  activity: TeamsActivity,
  accountId: string,
): ChannelInbound | undefined {
  const conversationId = activity.conversation?.id;
  const sender = activity.from?.aadObjectId ?? activity.from?.id;
  if (activity.type !== 'message' || !activity.id || !conversationId || !sender) return undefined;
  const botId = activity.recipient?.id;
  const botMentions = (activity.entities ?? []).filter(
    (entity) => entity.type === 'mention' && entity.mentioned?.id === botId,
  );
  let text = activity.text ?? '';
  for (const mention of botMentions) {
    if (mention.text) text = text.split(mention.text).join('');
  }
  text = decodeEntities(text.replace(/<at>(.*?)<\/at>/g, '@$1')).trim();
  const chatType = chatTypeOf(activity);
  const { chatId, threadId } = splitConversationId(conversationId);
  const sentAt = activity.timestamp ? Date.parse(activity.timestamp) : NaN;
  return {
    accountId,
    chatType,
    chatId,
    // A channel post's thread: the root's own id when the post starts one.
    ...(chatType === 'channel' ? { threadId: threadId ?? activity.replyToId ?? activity.id } : {}),
    senderId: sender,
    ...(activity.from?.name ? { senderName: activity.from.name } : {}),
    text,
    platformMessageId: activity.id,
    mentioned: botMentions.length > 0,
    ...(Number.isFinite(sentAt) ? { sentAt } : {}),
  };
}
