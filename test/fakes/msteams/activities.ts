// Message activities as Teams sends them to a bot's messaging endpoint (Bot Framework
// activity schema with Teams' channelData): conversationType personal / groupChat /
// channel, `<at>Name</at>` mentions with their `mention` entities, a team channel's
// conversation id carrying `;messageid=<thread root>`.
import { randomBytes } from 'node:crypto';
import { postWebhook, type WebhookAnswer } from '../http-fake.js';

/** A person writing (from). */
export interface TeamsPerson {
  id: string;
  aadObjectId: string;
  name: string;
}

/** A conversation as activities name it. */
export interface TeamsConversation {
  id: string;
  conversationType: 'personal' | 'groupChat' | 'channel';
}

/** A message activity; `mentionBot` prefixes an @mention of the bot. */
export function messageActivity(
  bot: { id: string; name: string },
  serviceUrl: string,
  conversation: TeamsConversation,
  from: TeamsPerson,
  text: string,
  options: { mentionBot?: boolean; threadRoot?: string; tenantId?: string } = {},
) {
  const id = String(Date.now()) + randomBytes(2).readUInt16BE(0);
  const mention = `<at>${bot.name}</at>`;
  const conversationId =
    conversation.conversationType === 'channel'
      ? `${conversation.id};messageid=${options.threadRoot ?? id}`
      : conversation.id;
  return {
    type: 'message',
    id,
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    serviceUrl,
    channelId: 'msteams',
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    conversation: {
      id: conversationId,
      conversationType: conversation.conversationType,
      tenantId: options.tenantId ?? 'tenant',
      ...(conversation.conversationType === 'personal' ? {} : { isGroup: true }),
    },
    recipient: { id: bot.id, name: bot.name },
    textFormat: 'plain',
    text: options.mentionBot ? `${mention} ${text}` : text,
    entities: [
      ...(options.mentionBot
        ? [{ type: 'mention', mentioned: { id: bot.id, name: bot.name }, text: mention }]
        : []),
      { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web' },
    ],
    channelData: {
      tenant: { id: options.tenantId ?? 'tenant' },
      ...(conversation.conversationType === 'channel'
        ? { teamsChannelId: conversation.id, channel: { id: conversation.id } }
        : {}),
    },
    ...(options.threadRoot ? { replyToId: options.threadRoot } : {}),
  };
}

/** POST an activity with a bearer token (none when null). */
export function postActivity(
  url: string,
  token: string | null,
  activity: unknown,
): Promise<WebhookAnswer> {
  return postWebhook(url, JSON.stringify(activity), {
    'content-type': 'application/json; charset=utf-8',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
}
