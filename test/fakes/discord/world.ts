// What the fake Discord knows: the bot, users, guilds, channels and messages, plus the logs
// tests assert on (every message the bot created, typing calls, edits, REST requests).
import { ChannelType } from 'discord.js';
import type { APIAttachment, APIChannel, APIMessage, APIUser } from 'discord.js';
import {
  createSnowflakes,
  dmChannel,
  guildTextChannel,
  threadChannel,
  userObject,
} from './wire.js';

/** A message the bot created (POST /channels/{id}/messages), as tests assert on it. */
export interface SentMessage {
  channelId: string;
  messageId: string;
  content: string;
  /** message_reference.message_id: the message this one replies to. */
  replyTo?: string;
  files: { name: string; contentType: string; size: number }[];
  nonce?: string | number;
  at: number;
}

/** One REST request as received (after auth), for tests that count calls. */
export interface RecordedRestRequest {
  method: string;
  path: string;
  status: number;
  at: number;
}

/** A guild the bot is in, with its channels and threads. */
export interface FakeGuild {
  id: string;
  name: string;
  channelIds: string[];
  threadIds: string[];
  joinedAt: string;
}

/** The fake's state; one per fake server. */
export class DiscordWorld {
  readonly nextId = createSnowflakes();
  readonly bot: APIUser;
  readonly users = new Map<string, APIUser>();
  readonly guilds = new Map<string, FakeGuild>();
  readonly channels = new Map<string, APIChannel>();
  readonly messages = new Map<string, APIMessage>();
  /** Bytes behind attachment URLs (`/attachments/<id>/<name>`). */
  readonly files = new Map<string, { data: Uint8Array; contentType: string }>();
  readonly sent: SentMessage[] = [];
  readonly typing: { channelId: string; at: number }[] = [];
  readonly edits: { channelId: string; messageId: string; content: string }[] = [];
  readonly requests: RecordedRestRequest[] = [];
  /** Pinned message ids per channel, oldest pin first. */
  readonly pins = new Map<string, string[]>();
  /** Nonces the bot used with enforce_nonce, and the message each created. */
  readonly nonces = new Map<string, string>();

  constructor(botName: string) {
    this.bot = userObject(this.nextId(), botName, true);
    this.users.set(this.bot.id, this.bot);
  }

  /** A new (human) user. */
  addUser(username: string): APIUser {
    const user = userObject(this.nextId(), username);
    this.users.set(user.id, user);
    return user;
  }

  /** A new guild with one text channel. */
  addGuild(name: string, channelName = 'general'): { guild: FakeGuild; channelId: string } {
    const guild: FakeGuild = {
      id: this.nextId(),
      name,
      channelIds: [],
      threadIds: [],
      joinedAt: new Date().toISOString(),
    };
    const channel = guildTextChannel(this.nextId(), guild.id, channelName);
    guild.channelIds.push(channel.id);
    this.guilds.set(guild.id, guild);
    this.channels.set(channel.id, channel);
    return { guild, channelId: channel.id };
  }

  /** A new public thread under a guild text channel. */
  addThread(parentId: string, name: string): APIChannel {
    const parent = this.channels.get(parentId);
    const guildId = parent && 'guild_id' in parent ? parent.guild_id : undefined;
    const guild = guildId ? this.guilds.get(guildId) : undefined;
    if (!guild) throw new Error(`no guild channel ${parentId}`);
    const thread = threadChannel(this.nextId(), guild.id, parentId, name, this.bot.id);
    guild.threadIds.push(thread.id);
    this.channels.set(thread.id, thread);
    return thread;
  }

  /** The DM channel with a user (created on first use, like POST /users/@me/channels). */
  dmWith(user: APIUser): APIChannel {
    for (const channel of this.channels.values()) {
      if (channel.type === ChannelType.DM && channel.recipients?.some((r) => r.id === user.id))
        return channel;
    }
    const channel = dmChannel(this.nextId(), user);
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** Store attachment bytes and return the attachment object pointing at the fake's CDN. */
  addAttachment(
    baseUrl: string,
    file: { name: string; contentType: string; data: Uint8Array },
  ): APIAttachment {
    const id = this.nextId();
    const url = `${baseUrl}/attachments/${id}/${encodeURIComponent(file.name)}`;
    this.files.set(id, { data: file.data, contentType: file.contentType });
    return {
      id,
      filename: file.name,
      size: file.data.byteLength,
      url,
      proxy_url: url,
      content_type: file.contentType,
    };
  }

  /** The guild a channel (or thread) belongs to. */
  guildOf(channelId: string): string | undefined {
    const channel = this.channels.get(channelId);
    return channel && 'guild_id' in channel ? channel.guild_id : undefined;
  }
}
