/**
 * Discord operations beyond sending, as documented REST calls through discord.js's own
 * client.rest (rate limits and retries stay the SDK's): reactions, pins, threads, polls,
 * search, member and role info, and moderation. Used by the message tool (react, delete,
 * read) and discord_actions. Every call works without the gateway cache, so an id the
 * model copies from the conversation is enough.
 */
import type { APIGuildMember, APIMessage, APIRole, Client } from 'discord.js';
import type { ChannelChatRef, ChannelMessage } from '../types.js';
import { toChannelSendError } from './errors.js';

/** discord_actions' input, as validated by its schema. */
interface DiscordActionParams {
  channelId?: string;
  messageId?: string;
  guildId?: string;
  userId?: string;
  roleId?: string;
  emoji?: string;
  text?: string;
  name?: string;
  query?: string;
  question?: string;
  answers?: string[];
  durationHours?: number;
  multiple?: boolean;
  minutes?: number;
  reason?: string;
  deleteMessageDays?: number;
  limit?: number;
}

/** Reactions go in the path: a unicode emoji URL-encoded, a custom one as name:id. */
const emojiPath = (emoji: string) => encodeURIComponent(emoji.replace(/^<a?:|>$/g, ''));
const chatOf = (target: ChannelChatRef) => target.threadId ?? target.chatId;

/** PUT (or DELETE) /channels/{c}/messages/{m}/reactions/{emoji}/@me */
export async function react(
  client: Client,
  target: ChannelChatRef,
  messageId: string,
  emoji: string,
  options?: { remove?: boolean },
): Promise<void> {
  const route =
    `/channels/${chatOf(target)}/messages/${messageId}/reactions/${emojiPath(emoji)}/@me` as const;
  try {
    if (options?.remove) await client.rest.delete(route);
    else await client.rest.put(route);
  } catch (error) {
    throw toChannelSendError(error);
  }
}

/** DELETE /channels/{c}/messages/{m} */
export async function deleteMessage(client: Client, target: ChannelChatRef, messageId: string) {
  try {
    await client.rest.delete(`/channels/${chatOf(target)}/messages/${messageId}`);
  } catch (error) {
    throw toChannelSendError(error);
  }
}

function toChannelMessage(message: APIMessage): ChannelMessage {
  return {
    platformMessageId: message.id,
    senderId: message.author.id,
    senderName: message.author.global_name ?? message.author.username,
    text: message.content,
    sentAt: Date.parse(message.timestamp),
  };
}

async function recentMessages(client: Client, channelId: string, limit: number) {
  const query = new URLSearchParams({ limit: String(Math.min(Math.max(limit, 1), 100)) });
  return (await client.rest.get(`/channels/${channelId}/messages`, { query })) as APIMessage[];
}

/** GET /channels/{c}/messages?limit=n (newest first, as Discord returns them). */
export async function readMessages(
  client: Client,
  target: ChannelChatRef,
  options: { limit: number },
): Promise<ChannelMessage[]> {
  try {
    return (await recentMessages(client, chatOf(target), options.limit)).map(toChannelMessage);
  } catch (error) {
    throw toChannelSendError(error);
  }
}

function memberView(member: APIGuildMember) {
  return {
    userId: member.user.id,
    username: member.user.username,
    nick: member.nick ?? null,
    roles: member.roles,
    joinedAt: member.joined_at,
    timedOutUntil: member.communication_disabled_until ?? null,
  };
}

const auditReason = (reason: string | undefined) => (reason ? { reason } : {});

/** One discord_actions call. */
export async function discordAction(
  client: Client,
  name: string,
  params: Record<string, unknown>,
): Promise<unknown> {
  const input = params as DiscordActionParams;
  const channelId = input.channelId ?? '';
  const messageId = input.messageId ?? '';
  const guildId = input.guildId ?? '';
  const userId = input.userId ?? '';
  const rest = client.rest;
  try {
    switch (name) {
      case 'react':
        await react(client, { chatId: channelId }, messageId, input.emoji ?? '👍');
        return { reacted: input.emoji ?? '👍', messageId };
      case 'reactions': {
        const message = (await rest.get(
          `/channels/${channelId}/messages/${messageId}`,
        )) as APIMessage;
        return (message.reactions ?? []).map((reaction) => ({
          emoji: reaction.emoji.id
            ? `${reaction.emoji.name}:${reaction.emoji.id}`
            : reaction.emoji.name,
          count: reaction.count,
          mine: reaction.me,
        }));
      }
      case 'pin':
        await rest.put(
          `/channels/${channelId}/messages/pins/${messageId}`,
          auditReason(input.reason),
        );
        return { pinned: messageId };
      case 'unpin':
        await rest.delete(
          `/channels/${channelId}/messages/pins/${messageId}`,
          auditReason(input.reason),
        );
        return { unpinned: messageId };
      case 'listPins': {
        const pins = (await rest.get(`/channels/${channelId}/messages/pins`)) as {
          items: { pinned_at: string; message: APIMessage }[];
        };
        return pins.items.map((pin) => ({
          ...toChannelMessage(pin.message),
          pinnedAt: pin.pinned_at,
        }));
      }
      case 'threadCreate': {
        // From a message when one is named, else a public thread (type 11) in the channel.
        const thread = (await rest.post(
          input.messageId
            ? `/channels/${channelId}/messages/${messageId}/threads`
            : `/channels/${channelId}/threads`,
          { body: { name: input.name, ...(input.messageId ? {} : { type: 11 }) } },
        )) as { id: string; name: string };
        return { threadId: thread.id, name: thread.name };
      }
      case 'threadList': {
        const active = (await rest.get(`/guilds/${guildId}/threads/active`)) as {
          threads: { id: string; name: string; parent_id?: string }[];
        };
        return active.threads
          .filter((thread) => !input.channelId || thread.parent_id === input.channelId)
          .map((thread) => ({
            threadId: thread.id,
            name: thread.name,
            parentId: thread.parent_id,
          }));
      }
      case 'threadReply': {
        const sent = (await rest.post(`/channels/${channelId}/messages`, {
          body: { content: input.text, allowed_mentions: { parse: ['users'] } },
        })) as APIMessage;
        return { messageId: sent.id };
      }
      case 'poll': {
        const sent = (await rest.post(`/channels/${channelId}/messages`, {
          body: {
            poll: {
              question: { text: input.question },
              answers: (input.answers ?? []).map((text) => ({ poll_media: { text } })),
              duration: input.durationHours ?? 24,
              allow_multiselect: input.multiple ?? false,
            },
          },
        })) as APIMessage;
        return { messageId: sent.id };
      }
      case 'search': {
        // Bots have no documented search endpoint: the channel's recent messages, filtered.
        const needle = (input.query ?? '').toLowerCase();
        const found = (await recentMessages(client, channelId, 100))
          .filter((message) => message.content.toLowerCase().includes(needle))
          .slice(0, input.limit ?? 20);
        return found.map(toChannelMessage);
      }
      case 'memberInfo':
        return memberView(
          (await rest.get(`/guilds/${guildId}/members/${userId}`)) as APIGuildMember,
        );
      case 'roleInfo': {
        const roles = (await rest.get(`/guilds/${guildId}/roles`)) as APIRole[];
        return roles.map((role) => ({ roleId: role.id, name: role.name, position: role.position }));
      }
      case 'timeout': {
        const until = new Date(Date.now() + (input.minutes ?? 10) * 60_000).toISOString();
        await rest.patch(`/guilds/${guildId}/members/${userId}`, {
          body: { communication_disabled_until: until },
          ...auditReason(input.reason),
        });
        return { timedOut: userId, until };
      }
      case 'kick':
        await rest.delete(`/guilds/${guildId}/members/${userId}`, auditReason(input.reason));
        return { kicked: userId };
      case 'ban':
        await rest.put(`/guilds/${guildId}/bans/${userId}`, {
          body: { delete_message_seconds: Math.round((input.deleteMessageDays ?? 0) * 86_400) },
          ...auditReason(input.reason),
        });
        return { banned: userId };
      case 'roleAdd':
        await rest.put(
          `/guilds/${guildId}/members/${userId}/roles/${input.roleId}`,
          auditReason(input.reason),
        );
        return { added: input.roleId, userId };
      case 'roleRemove':
        await rest.delete(
          `/guilds/${guildId}/members/${userId}/roles/${input.roleId}`,
          auditReason(input.reason),
        );
        return { removed: input.roleId, userId };
      default:
        throw new Error(`discord has no action "${name}"`);
    }
  } catch (error) {
    throw toChannelSendError(error);
  }
}
