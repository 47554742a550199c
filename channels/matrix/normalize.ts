/**
 * A Matrix room event → the channel layer's ChannelInbound: direct or room chat, thread,
 * sender, text without the reply fallback, media (fetched only when the runtime asks),
 * mention. Events a turn must not answer give undefined: the bot's own, notices (bots
 * talking to bots), edits (`m.replace`: the original was, or will be, answered once),
 * redacted and non-message events.
 */
import type { ChannelInbound, InboundAttachment } from '../types.js';

/** A client-server API room event, as /sync returns it. */
export interface MatrixRawEvent {
  event_id: string;
  sender: string;
  type: string;
  origin_server_ts?: number;
  state_key?: string;
  content: Record<string, unknown>;
  unsigned?: Record<string, unknown>;
}

/** Fetches an `mxc://` URI's bytes from the media repository. */
export type MxcDownloader = (mxc: string) => ReturnType<InboundAttachment['download']>;

/** What normalizing needs to know besides the event. */
export interface NormalizeContext {
  accountId: string;
  roomId: string;
  botUserId: string;
  /** The room is a direct chat (m.direct, or two members). */
  direct: boolean;
  download: MxcDownloader;
}

const MEDIA_KINDS: Record<string, InboundAttachment['kind']> = {
  'm.image': 'image',
  'm.file': 'file',
  'm.audio': 'audio',
  'm.video': 'video',
};

const TEXT_TYPES = new Set(['m.text', 'm.emote']);

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
const asString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** The `m.relates_to` of an event's content, if any. */
export function relationOf(content: Record<string, unknown>) {
  const relation = asRecord(content['m.relates_to']);
  return {
    relType: asString(relation?.rel_type),
    eventId: asString(relation?.event_id),
    inReplyTo: asString(asRecord(relation?.['m.in_reply_to'])?.event_id),
    fallingBack: relation?.is_falling_back === true,
  };
}

/**
 * Replies carry the quoted message as `> ` lines before a blank line (the spec's reply
 * fallback); the turn should see what the person wrote, not the quote again.
 */
export function stripReplyFallback(body: string): string {
  if (!body.startsWith('> ')) return body;
  const lines = body.split('\n');
  let index = 0;
  while (index < lines.length && lines[index]!.startsWith('> ')) index++;
  if (lines[index] === '') index++;
  return lines.slice(index).join('\n');
}

/** Whether the event names the bot: `m.mentions`, a matrix.to pill, or its user id in the text. */
export function mentionsUser(content: Record<string, unknown>, userId: string): boolean {
  const mentions = asRecord(content['m.mentions']);
  const userIds = Array.isArray(mentions?.user_ids) ? (mentions.user_ids as unknown[]) : [];
  if (userIds.includes(userId)) return true;
  const html = asString(content.formatted_body) ?? '';
  if (
    html.includes(`matrix.to/#/${userId}`) ||
    html.includes(`matrix.to/#/${encodeURIComponent(userId)}`)
  ) {
    return true;
  }
  return (asString(content.body) ?? '').includes(userId);
}

/** Normalize one timeline event of a joined room; undefined when it starts no turn. */
export function normalizeEvent(
  event: MatrixRawEvent,
  context: NormalizeContext,
): ChannelInbound | undefined {
  if (event.type !== 'm.room.message' || event.sender === context.botUserId) return undefined;
  const content = event.content;
  const msgtype = asString(content.msgtype);
  if (msgtype === undefined) return undefined; // redacted
  const relation = relationOf(content);
  if (relation.relType === 'm.replace') return undefined;
  const body = asString(content.body) ?? '';
  const mediaKind = MEDIA_KINDS[msgtype];
  let text: string;
  const attachments: InboundAttachment[] = [];
  if (mediaKind !== undefined) {
    const url = asString(content.url);
    if (url === undefined || !url.startsWith('mxc://')) return undefined;
    const info = asRecord(content.info);
    const mimeType = asString(info?.mimetype);
    const size = typeof info?.size === 'number' ? info.size : undefined;
    // Since Matrix 1.10 `filename` names the file and `body` is then a caption.
    const fileName = asString(content.filename) ?? (body || `${mediaKind}-${event.event_id}`);
    text = asString(content.filename) !== undefined && body !== fileName ? body : '';
    attachments.push({
      kind: mediaKind,
      fileName,
      ...(mimeType ? { mimeType } : {}),
      ...(size !== undefined ? { size } : {}),
      download: () => context.download(url),
    });
  } else if (TEXT_TYPES.has(msgtype)) {
    text = relation.inReplyTo !== undefined ? stripReplyFallback(body) : body;
    if (msgtype === 'm.emote') text = `* ${text}`;
  } else {
    // m.notice is what bots send: answering it would let two bots talk forever.
    return undefined;
  }
  const threadId = relation.relType === 'm.thread' ? relation.eventId : undefined;
  // In a thread, m.in_reply_to without is_falling_back is a real reply to that message.
  const replyTo =
    relation.inReplyTo !== undefined && !relation.fallingBack ? relation.inReplyTo : undefined;
  return {
    accountId: context.accountId,
    chatType: context.direct ? 'direct' : 'channel',
    chatId: context.roomId,
    ...(threadId !== undefined ? { threadId } : {}),
    senderId: event.sender,
    text,
    ...(attachments.length > 0 ? { attachments } : {}),
    platformMessageId: event.event_id,
    mentioned: mentionsUser(content, context.botUserId),
    ...(replyTo !== undefined ? { replyToMessageId: replyTo } : {}),
    ...(event.origin_server_ts !== undefined ? { sentAt: event.origin_server_ts } : {}),
  };
}
