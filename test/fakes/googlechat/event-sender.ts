// Posts Google Chat interaction events to a Chat app's HTTP endpoint as Chat does: the
// event JSON (type MESSAGE / ADDED_TO_SPACE, space, message with sender, text, thread,
// annotations and attachments) with `Authorization: Bearer <token>`.
import { randomBytes } from 'node:crypto';
import { postWebhook, type WebhookAnswer } from '../http-fake.js';

/** A space as events carry it. */
export interface ChatSpaceRef {
  name: string;
  spaceType: 'DIRECT_MESSAGE' | 'SPACE' | 'GROUP_CHAT';
}

/** A person writing. */
export interface ChatPerson {
  name: string;
  displayName: string;
}

/** A MESSAGE event from a person in a space. */
export function messageEvent(
  space: ChatSpaceRef,
  sender: ChatPerson,
  text: string,
  options: {
    mentionApp?: string;
    thread?: string;
    attachment?: Record<string, unknown>[];
    type?: 'MESSAGE' | 'ADDED_TO_SPACE';
  } = {},
) {
  const id = randomBytes(8).toString('hex');
  const legacyType = space.spaceType === 'DIRECT_MESSAGE' ? 'DM' : 'ROOM';
  const spaceObject = { name: space.name, type: legacyType, spaceType: space.spaceType };
  const user = {
    ...sender,
    type: 'HUMAN',
    email: `${sender.displayName.toLowerCase()}@example.com`,
  };
  const fullText = options.mentionApp ? `@Clawd ${text}` : text;
  return {
    type: options.type ?? 'MESSAGE',
    eventTime: new Date().toISOString(),
    space: spaceObject,
    user,
    message: {
      name: `${space.name}/messages/${id}.${id}`,
      sender: user,
      createTime: new Date().toISOString(),
      text: fullText,
      argumentText: options.mentionApp ? ` ${text}` : text,
      thread: { name: options.thread ?? `${space.name}/threads/${id}` },
      space: spaceObject,
      ...(options.mentionApp
        ? {
            annotations: [
              {
                type: 'USER_MENTION',
                startIndex: 0,
                length: 6,
                userMention: {
                  user: { name: options.mentionApp, displayName: 'Clawd', type: 'BOT' },
                  type: 'MENTION',
                },
              },
            ],
          }
        : {}),
      ...(options.attachment ? { attachment: options.attachment } : {}),
    },
  };
}

/** POST an event with a bearer token; the HTTP status and body. */
export function postEvent(
  url: string,
  token: string | undefined,
  event: unknown,
): Promise<WebhookAnswer> {
  return postWebhook(url, JSON.stringify(event), {
    'content-type': 'application/json',
    'user-agent': 'Google-Dynamite',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
}
