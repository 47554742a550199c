/**
 * Tlon subscription facts → ChannelInbound. DMs come from the `chat` agent's `/v3`
 * firehose (`{ whom, id, response: { add: { essay } } }`), group channel posts from the
 * `channels` agent's `/v2` firehose (`{ nest, response: { post: { id, r-post: { set: {
 * essay } } } } }`, thread replies as `r-post.reply`). The bot is mentioned when its ship
 * name appears in the text (Tlon renders a mention as the ship name).
 */
import type { ChannelInbound } from '../../channels/types.js';
import { shipName } from './config.js';
import { storyToText } from './story.js';

interface Essay {
  content?: unknown;
  author?: string;
  sent?: number;
}

/** A DM fact → inbound; undefined for anything else (invites, edits, our own writs). */
export function normalizeDmFact(
  fact: unknown,
  bot: string,
  accountId: string,
): ChannelInbound | undefined {
  const event = fact as { whom?: unknown; id?: string; response?: { add?: { essay?: Essay } } };
  const essay = event?.response?.add?.essay;
  if (typeof event?.whom !== 'string' || !event.id || !essay?.author) return undefined;
  const author = shipName(essay.author);
  // `whom` names the other party of the conversation (a club id for group DMs: skipped).
  if (!event.whom.startsWith('~')) return undefined;
  const peer = shipName(event.whom);
  if (author === bot || peer === bot) return undefined;
  const text = storyToText(essay.content);
  if (text === '') return undefined;
  return {
    accountId,
    chatType: 'direct',
    chatId: peer,
    senderId: author,
    text,
    platformMessageId: event.id,
    mentioned: true,
    ...(essay.sent ? { sentAt: essay.sent } : {}),
  };
}

/** A channels fact → inbound, for the channels we answer in; undefined for anything else. */
export function normalizeChannelFact(
  fact: unknown,
  bot: string,
  accountId: string,
  watched: ReadonlySet<string>,
): ChannelInbound | undefined {
  type Set = { essay?: Essay; memo?: Essay };
  const event = fact as {
    nest?: string;
    response?: {
      post?: {
        id?: string;
        'r-post'?: { set?: Set; reply?: { id?: string; 'r-reply'?: { set?: Set } } };
      };
    };
  };
  const nest = event?.nest;
  const post = event?.response?.post;
  if (!nest || !watched.has(nest) || !post?.id) return undefined;
  const reply = post['r-post']?.reply;
  const written = reply
    ? (reply['r-reply']?.set?.memo ?? reply['r-reply']?.set?.essay)
    : post['r-post']?.set?.essay;
  const messageId = reply ? reply.id : post.id;
  if (!written?.author || !messageId) return undefined;
  const author = shipName(written.author);
  if (author === bot) return undefined;
  const text = storyToText(written.content);
  if (text === '') return undefined;
  const name = bot.slice(1);
  const mentioned = new RegExp(`(^|[^a-z-])~?${name}(?![a-z-])`, 'i').test(text);
  return {
    accountId,
    chatType: 'group',
    chatId: nest,
    // A thread reply belongs to its parent post's thread (and is answered there).
    ...(reply ? { threadId: post.id } : {}),
    senderId: author,
    text,
    platformMessageId: messageId,
    mentioned,
    ...(written.sent ? { sentAt: written.sent } : {}),
  };
}
