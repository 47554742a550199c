// REST routes beyond sending (https://discord.com/developers/docs/resources/message and
// /resources/guild): the bot's own reactions, pins, and guild members and roles, with
// Discord's JSON error codes (10003 Unknown Channel, 10007 Unknown Member, 10008 Unknown
// Message, 30003 Maximum pins).
import type { APIMessage } from 'discord.js';
import { errorBody } from './wire.js';
import type { DiscordWorld } from './world.js';

/** An answer, or undefined when the path is none of these routes. */
type Answer = { status: number; body?: unknown } | undefined;

const unknownMessage = { status: 404, body: errorBody(10008, 'Unknown Message') };

function messageIn(
  world: DiscordWorld,
  channelId: string,
  messageId: string,
): APIMessage | undefined {
  const message = world.messages.get(messageId);
  return message && message.channel_id === channelId ? message : undefined;
}

/** Route one request, after authentication. */
export function actionRoute(world: DiscordWorld, method: string, path: string): Answer {
  const reaction = /^\/channels\/(\d+)\/messages\/(\d+)\/reactions\/([^/]+)\/@me$/.exec(path);
  if (reaction && (method === 'PUT' || method === 'DELETE')) {
    const [, channelId = '', messageId = '', encoded = ''] = reaction;
    if (!world.channels.has(channelId))
      return { status: 404, body: errorBody(10003, 'Unknown Channel') };
    const message = messageIn(world, channelId, messageId);
    if (!message) return unknownMessage;
    const name = decodeURIComponent(encoded);
    const reactions = (message.reactions ??= []);
    const existing = reactions.find((item) => item.emoji.name === name);
    if (method === 'PUT') {
      if (!existing) {
        reactions.push({
          emoji: { id: null, name },
          count: 1,
          count_details: { burst: 0, normal: 1 },
          me: true,
          me_burst: false,
          burst_colors: [],
        });
      } else if (!existing.me) {
        existing.me = true;
        existing.count++;
      }
    } else if (existing?.me) {
      existing.me = false;
      existing.count--;
      if (existing.count === 0) reactions.splice(reactions.indexOf(existing), 1);
    }
    return { status: 204 };
  }
  const pins = /^\/channels\/(\d+)\/messages\/pins(?:\/(\d+))?$/.exec(path);
  if (pins) {
    const [, channelId = '', messageId] = pins;
    if (!world.channels.has(channelId))
      return { status: 404, body: errorBody(10003, 'Unknown Channel') };
    const pinned = world.pins.get(channelId) ?? [];
    world.pins.set(channelId, pinned);
    if (method === 'GET' && messageId === undefined) {
      const items = [...pinned].reverse().map((id) => ({
        pinned_at: new Date().toISOString(),
        message: world.messages.get(id),
      }));
      return { status: 200, body: { items, has_more: false } };
    }
    if (messageId === undefined)
      return { status: 405, body: errorBody(0, '405: Method Not Allowed') };
    if (!messageIn(world, channelId, messageId)) return unknownMessage;
    if (method === 'PUT') {
      if (pinned.length >= 250)
        return { status: 400, body: errorBody(30003, 'Maximum number of pins reached (250)') };
      if (!pinned.includes(messageId)) pinned.push(messageId);
      return { status: 204 };
    }
    if (method === 'DELETE') {
      const index = pinned.indexOf(messageId);
      if (index >= 0) pinned.splice(index, 1);
      return { status: 204 };
    }
    return { status: 405, body: errorBody(0, '405: Method Not Allowed') };
  }
  const member = /^\/guilds\/(\d+)\/members\/(\d+)$/.exec(path);
  if (member && method === 'GET') {
    const [, guildId = '', userId = ''] = member;
    const guild = world.guilds.get(guildId);
    if (!guild) return { status: 404, body: errorBody(10004, 'Unknown Guild') };
    const user = world.users.get(userId);
    if (!user) return { status: 404, body: errorBody(10007, 'Unknown Member') };
    return {
      status: 200,
      body: {
        user,
        nick: null,
        roles: [],
        joined_at: guild.joinedAt,
        deaf: false,
        mute: false,
        flags: 0,
      },
    };
  }
  const roles = /^\/guilds\/(\d+)\/roles$/.exec(path);
  if (roles && method === 'GET') {
    const guildId = roles[1] ?? '';
    if (!world.guilds.has(guildId)) return { status: 404, body: errorBody(10004, 'Unknown Guild') };
    // Every guild has @everyone, whose id is the guild's.
    return {
      status: 200,
      body: [
        {
          id: guildId,
          name: '@everyone',
          color: 0,
          hoist: false,
          position: 0,
          permissions: '0',
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
    };
  }
  return undefined;
}
