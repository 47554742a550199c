// Discord API v10 objects as the documented wire format has them (user, channel, guild,
// message, error bodies), built from the fake's world so the real discord.js parses them.
import { ChannelType, MessageType } from 'discord.js';
import type {
  GuildMemberFlags,
  APIAttachment,
  APIChannel,
  APIGuildMember,
  APIMessage,
  APIUser,
  GatewayGuildCreateDispatchData,
} from 'discord.js';

/** Discord's epoch (2015-01-01) from which snowflake timestamps count. */
const DISCORD_EPOCH = 1_420_070_400_000n;

/** Snowflake ids: milliseconds since Discord's epoch in the top bits, a counter below. */
export function createSnowflakes(): () => string {
  let last = 0n;
  return () => {
    const now = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
    last = now > last ? now : last + 1n;
    return last.toString();
  };
}

/** A user object; `bot` for the bot itself. */
export function userObject(id: string, username: string, bot = false): APIUser {
  return {
    id,
    username,
    discriminator: '0',
    global_name: bot ? null : username,
    avatar: null,
    ...(bot ? { bot: true } : {}),
  };
}

/** The member object MESSAGE_CREATE carries for guild messages (without `user`). */
export function memberObject(joinedAt: string): Omit<APIGuildMember, 'user'> {
  return {
    roles: [],
    joined_at: joinedAt,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
  };
}

/** A guild text channel. */
export function guildTextChannel(id: string, guildId: string, name: string): APIChannel {
  return {
    id,
    type: ChannelType.GuildText,
    guild_id: guildId,
    name,
    position: 0,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
  };
}

/** A public thread under a guild text channel. */
export function threadChannel(
  id: string,
  guildId: string,
  parentId: string,
  name: string,
  ownerId: string,
): APIChannel {
  return {
    id,
    type: ChannelType.PublicThread,
    guild_id: guildId,
    parent_id: parentId,
    name,
    owner_id: ownerId,
    last_message_id: null,
    rate_limit_per_user: 0,
    message_count: 0,
    member_count: 1,
    thread_metadata: {
      archived: false,
      auto_archive_duration: 1440,
      archive_timestamp: new Date().toISOString(),
      locked: false,
    },
  };
}

/** A DM channel between the bot and one user. */
export function dmChannel(id: string, recipient: APIUser): APIChannel {
  return { id, type: ChannelType.DM, last_message_id: null, recipients: [recipient] } as APIChannel;
}

/** GUILD_CREATE data for a guild with its channels and threads. */
export function guildCreateData(input: {
  id: string;
  name: string;
  ownerId: string;
  channels: APIChannel[];
  threads: APIChannel[];
  joinedAt: string;
}): GatewayGuildCreateDispatchData {
  return {
    id: input.id,
    name: input.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: input.ownerId,
    region: '',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [
      {
        id: input.id,
        name: '@everyone',
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: '2248473465835073',
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    stickers: [],
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: input.joinedAt,
    large: false,
    unavailable: false,
    member_count: 2,
    voice_states: [],
    members: [],
    channels: input.channels,
    threads: input.threads,
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  } as unknown as GatewayGuildCreateDispatchData;
}

/** A message object; `referenced` is the message replied to (type 19 then). */
export function messageObject(input: {
  id: string;
  channelId: string;
  author: APIUser;
  content: string;
  mentions: APIUser[];
  attachments: APIAttachment[];
  referenced?: APIMessage;
  nonce?: string | number;
}): APIMessage {
  return {
    id: input.id,
    channel_id: input.channelId,
    author: input.author,
    content: input.content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: input.mentions,
    mention_roles: [],
    attachments: input.attachments,
    embeds: [],
    pinned: false,
    type: input.referenced ? MessageType.Reply : MessageType.Default,
    components: [],
    ...(input.referenced
      ? {
          message_reference: {
            type: 0,
            message_id: input.referenced.id,
            channel_id: input.referenced.channel_id,
          },
          referenced_message: input.referenced,
        }
      : {}),
    ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
  };
}

/** The JSON error body Discord sends with 4xx/5xx answers. */
export function errorBody(
  code: number,
  message: string,
  errors?: unknown,
): Record<string, unknown> {
  return { code, message, ...(errors === undefined ? {} : { errors }) };
}

/** The "Invalid Form Body" error for one field (what Discord answers to a too-long content). */
export function invalidFormBody(field: string, code: string, message: string) {
  return errorBody(50035, 'Invalid Form Body', { [field]: { _errors: [{ code, message }] } });
}
