/**
 * A signal-cli `receive` envelope → ChannelInbound. Direct chats are keyed by the sender
 * (uuid, else number), groups by their base64 group id. The platform message id is
 * `<timestamp>:<author>`: Signal names a message by its author and sent timestamp, which
 * is also what a quote needs, and a redelivered envelope carries the same pair.
 */
import type { ChannelInbound, InboundAttachment } from '../../channels/types.js';

/** An attachment as signal-cli describes it (stored by the daemon, fetched by id). */
export interface SignalAttachment {
  id?: string;
  contentType?: string;
  filename?: string | null;
  size?: number;
}

/** A mention inside a group message (its place in the text holds U+FFFC). */
export interface SignalMention {
  number?: string | null;
  uuid?: string | null;
  name?: string | null;
  start?: number;
  length?: number;
}

/** The parts of a data message we use. */
export interface SignalDataMessage {
  timestamp?: number;
  message?: string | null;
  groupInfo?: { groupId?: string; groupName?: string } | null;
  attachments?: SignalAttachment[];
  mentions?: SignalMention[];
  quote?: { id?: number; author?: string; authorNumber?: string; authorUuid?: string } | null;
}

/** One envelope of a `receive` event. */
export interface SignalEnvelope {
  source?: string;
  sourceNumber?: string | null;
  sourceUuid?: string | null;
  sourceName?: string | null;
  timestamp?: number;
  dataMessage?: SignalDataMessage | null;
}

/** Fetches an attachment's bytes through the daemon. */
export type SignalAttachmentFetcher = (
  attachment: SignalAttachment,
  from: { recipient?: string; groupId?: string },
) => Promise<Uint8Array>;

/** The platform message id of a message: sent timestamp and author. */
export function signalMessageId(timestamp: number, author: string): string {
  return `${timestamp}:${author}`;
}

/** The quote target of a platform message id (see signalMessageId). */
export function parseSignalMessageId(
  id: string,
): { timestamp: number; author: string } | undefined {
  const colon = id.indexOf(':');
  const timestamp = Number(id.slice(0, colon));
  if (colon <= 0 || !Number.isSafeInteger(timestamp)) return undefined;
  return { timestamp, author: id.slice(colon + 1) };
}

function kindOf(contentType: string | undefined): InboundAttachment['kind'] {
  if (contentType?.startsWith('image/')) return 'image';
  if (contentType?.startsWith('audio/')) return 'audio';
  if (contentType?.startsWith('video/')) return 'video';
  return 'file';
}

/**
 * Normalize an envelope; undefined for what is not a user's message (receipts, typing,
 * sync messages of our own sends, empty messages).
 */
export function normalizeEnvelope(
  envelope: SignalEnvelope,
  bot: { number?: string; uuid?: string },
  accountId: string,
  fetchAttachment: SignalAttachmentFetcher,
): ChannelInbound | undefined {
  const data = envelope.dataMessage;
  if (!data) return undefined;
  const sender = envelope.sourceUuid || envelope.sourceNumber || envelope.source;
  const timestamp = data.timestamp ?? envelope.timestamp;
  if (!sender || timestamp === undefined) return undefined;
  if (sender === bot.number || sender === bot.uuid) return undefined;
  const groupId = data.groupInfo?.groupId ?? undefined;
  const from = groupId ? { groupId } : { recipient: sender };
  const attachments: InboundAttachment[] = (data.attachments ?? [])
    .filter((attachment) => attachment.id)
    .map((attachment) => ({
      kind: kindOf(attachment.contentType),
      fileName: attachment.filename || attachment.id!,
      ...(attachment.contentType ? { mimeType: attachment.contentType } : {}),
      ...(attachment.size !== undefined ? { size: attachment.size } : {}),
      download: () => fetchAttachment(attachment, from),
    }));
  const text = data.message ?? '';
  if (text.trim() === '' && attachments.length === 0) return undefined;
  const mentioned = (data.mentions ?? []).some(
    (mention) =>
      (bot.number !== undefined && mention.number === bot.number) ||
      (bot.uuid !== undefined && mention.uuid === bot.uuid),
  );
  const quote = data.quote;
  const quoteAuthor = quote?.authorUuid || quote?.authorNumber || quote?.author;
  return {
    accountId,
    chatType: groupId ? 'group' : 'direct',
    chatId: groupId ?? sender,
    senderId: sender,
    ...(envelope.sourceName ? { senderName: envelope.sourceName } : {}),
    text: withMentionNames(text, data.mentions ?? []),
    ...(attachments.length > 0 ? { attachments } : {}),
    platformMessageId: signalMessageId(timestamp, sender),
    mentioned,
    ...(quote?.id !== undefined && quoteAuthor
      ? { replyToMessageId: signalMessageId(quote.id, quoteAuthor) }
      : {}),
    sentAt: timestamp,
  };
}

/** Put each mention's name where signal-cli left its placeholder character. */
function withMentionNames(text: string, mentions: SignalMention[]): string {
  let result = text;
  const placed = mentions
    .filter((mention) => mention.start !== undefined)
    .sort((a, b) => b.start! - a.start!);
  for (const mention of placed) {
    const name = mention.name || mention.number || mention.uuid || 'someone';
    const start = mention.start!;
    result = `${result.slice(0, start)}@${name}${result.slice(start + (mention.length ?? 1))}`;
  }
  return result;
}
