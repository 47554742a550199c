/**
 * A Talk webhook event (Activity Streams 2.0: `Create` of a `Note`) → ChannelInbound. The
 * note's `content` is JSON `{ message, parameters }` whose `{placeholders}` name rich
 * objects (mentions, files); they are rendered back into readable text. Messages of bots
 * (our own replies included) start no turn.
 */
import type { ChannelInbound, ChatType } from '../../channels/types.js';

interface TalkActor {
  type?: string;
  id?: string;
  name?: string;
}

interface TalkNote {
  type?: string;
  id?: string | number;
  name?: string;
  content?: string;
  mediaType?: string;
  inReplyTo?: { actor?: TalkActor; object?: TalkNote };
}

/** The parts of a webhook event that are read here. */
export interface TalkEvent {
  type?: string;
  actor?: TalkActor;
  object?: TalkNote;
  target?: { type?: string; id?: string; name?: string };
}

interface RichObject {
  type?: string;
  id?: string;
  name?: string;
  mention?: unknown;
}

/** The note's message with its placeholders rendered, and the rich objects it names. */
export function renderContent(content: string | undefined): {
  text: string;
  objects: RichObject[];
} {
  let parsed: { message?: unknown; parameters?: Record<string, RichObject> };
  try {
    parsed = JSON.parse(content ?? '') as typeof parsed;
  } catch {
    return { text: content ?? '', objects: [] };
  }
  const parameters = parsed.parameters ?? {};
  const message = typeof parsed.message === 'string' ? parsed.message : '';
  const text = message.replace(/\{([a-z0-9_-]+)\}/gi, (whole, key: string) => {
    const object = parameters[key];
    if (!object) return whole;
    if (object.type === 'file') return `[file: ${object.name ?? 'attachment'}]`;
    if (key.startsWith('mention-')) return `@${object.name ?? object.id ?? ''}`;
    return object.name ?? whole;
  });
  return { text, objects: Object.values(parameters) };
}

/** Whether an actor is a bot (an Application or a `bots/` attendee). */
const isBot = (actor: TalkActor | undefined) =>
  actor?.type === 'Application' || (actor?.id ?? '').startsWith('bots/');

/** Normalize a message event; undefined when it is none a turn could answer. */
export function normalizeEvent(
  event: TalkEvent,
  accountId: string,
  chatType: ChatType,
  botName: string | undefined,
): ChannelInbound | undefined {
  const note = event.object;
  const room = event.target?.id;
  const sender = event.actor?.id;
  if (event.type !== 'Create' || note?.type !== 'Note' || note.id === undefined) return undefined;
  if (!room || !sender || isBot(event.actor)) return undefined;
  // System messages (someone joined, a call started) have their own names.
  if (note.name !== 'message' && note.name !== '') return undefined;
  const { text, objects } = renderContent(note.content);
  const name = botName?.toLowerCase();
  const mentionsBot =
    name !== undefined &&
    objects.some(
      (object) =>
        (object.type === 'user' || object.type === 'bot' || object.type === 'guest') &&
        (object.name?.toLowerCase() === name || object.id?.toLowerCase() === name),
    );
  // Quoting one of the bot's messages is talking to it, as on other platforms.
  const repliesToBot = isBot(note.inReplyTo?.actor);
  const replyTo = note.inReplyTo?.object?.id;
  return {
    accountId,
    chatType,
    chatId: room,
    senderId: sender,
    ...(event.actor?.name ? { senderName: event.actor.name } : {}),
    text,
    platformMessageId: String(note.id),
    mentioned: mentionsBot || repliesToBot,
    ...(replyTo !== undefined ? { replyToMessageId: String(replyTo) } : {}),
  };
}
