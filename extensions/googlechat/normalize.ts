/**
 * A Google Chat interaction event (MESSAGE, or ADDED_TO_SPACE with the message that added
 * the app) → ChannelInbound. A direct message space is a direct chat; named spaces and
 * group chats are groups, where the app counts as mentioned when the message carries a
 * USER_MENTION annotation of the app. In a group the message's thread is the reply thread.
 * Uploaded attachments are fetched through `media.download` only when the runtime asks.
 */
import type { ChannelInbound, InboundAttachment } from '../../channels/types.js';

/** The parts of an event (Chat's interaction event format) that are read here. */
export interface ChatEvent {
  type?: string;
  eventTime?: string;
  space?: ChatSpace;
  message?: ChatMessage;
  user?: ChatUser;
}

interface ChatUser {
  name?: string;
  displayName?: string;
  email?: string;
  type?: 'HUMAN' | 'BOT';
}

interface ChatSpace {
  name?: string;
  /** Deprecated form: DM or ROOM. */
  type?: string;
  spaceType?: 'DIRECT_MESSAGE' | 'SPACE' | 'GROUP_CHAT';
  singleUserBotDm?: boolean;
}

interface ChatAttachment {
  name?: string;
  contentName?: string;
  contentType?: string;
  source?: 'UPLOADED_CONTENT' | 'DRIVE_FILE';
  attachmentDataRef?: { resourceName?: string };
  driveDataRef?: { driveFileId?: string };
}

/** A message of an event. */
export interface ChatMessage {
  name?: string;
  sender?: ChatUser;
  createTime?: string;
  text?: string;
  argumentText?: string;
  thread?: { name?: string };
  space?: ChatSpace;
  annotations?: {
    type?: string;
    userMention?: { user?: ChatUser; type?: string };
  }[];
  attachment?: ChatAttachment[];
}

/** Fetches an uploaded attachment's bytes by its resource name. */
export type AttachmentDownloader = (
  resourceName: string,
) => ReturnType<InboundAttachment['download']>;

const kindOf = (contentType: string | undefined): InboundAttachment['kind'] => {
  if (contentType?.startsWith('image/')) return 'image';
  if (contentType?.startsWith('audio/')) return 'audio';
  if (contentType?.startsWith('video/')) return 'video';
  return 'file';
};

/** Whether a space is a 1:1 chat with the app. */
export function isDirectSpace(space: ChatSpace | undefined): boolean {
  return space?.spaceType === 'DIRECT_MESSAGE' || space?.type === 'DM' || !!space?.singleUserBotDm;
}

/** Normalize an event's message; undefined when there is none a turn could answer. */
export function normalizeEvent(
  event: ChatEvent,
  accountId: string,
  botUser: string | undefined,
  download: AttachmentDownloader,
): ChannelInbound | undefined {
  const message = event.message;
  const space = event.space ?? message?.space;
  const sender = message?.sender ?? event.user;
  if (!message?.name || !space?.name || !sender?.name) return undefined;
  // Messages of other apps (and echoes of our own) start no turn.
  if (sender.type === 'BOT') return undefined;
  const direct = isDirectSpace(space);
  const mentioned = (message.annotations ?? []).some(
    (annotation) =>
      annotation.type === 'USER_MENTION' &&
      annotation.userMention?.user?.type === 'BOT' &&
      (botUser === undefined || annotation.userMention.user.name === botUser),
  );
  const attachments: InboundAttachment[] = [];
  const notes: string[] = [];
  for (const attachment of message.attachment ?? []) {
    const resourceName = attachment.attachmentDataRef?.resourceName;
    if (resourceName) {
      attachments.push({
        kind: kindOf(attachment.contentType),
        fileName: attachment.contentName ?? 'attachment',
        ...(attachment.contentType ? { mimeType: attachment.contentType } : {}),
        download: () => download(resourceName),
      });
    } else if (attachment.driveDataRef) {
      // Drive files need the user's Drive access, which a Chat app does not have.
      notes.push(`[Google Drive file: ${attachment.contentName ?? 'untitled'}]`);
    }
  }
  const text = [message.text ?? '', ...notes].filter(Boolean).join('\n');
  const sentAt = message.createTime ? Date.parse(message.createTime) : NaN;
  return {
    accountId,
    chatType: direct ? 'direct' : 'group',
    chatId: space.name,
    ...(!direct && message.thread?.name ? { threadId: message.thread.name } : {}),
    senderId: sender.name,
    ...(sender.displayName ? { senderName: sender.displayName } : {}),
    text,
    ...(attachments.length > 0 ? { attachments } : {}),
    platformMessageId: message.name,
    mentioned,
    ...(Number.isFinite(sentAt) ? { sentAt } : {}),
  };
}
