// A fake Discord on 127.0.0.1: REST (/api/v10) and the Gateway WebSocket on one port, so the
// real discord.js (with `rest.api` pointed here) logs in, receives and sends unchanged.
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayIntentBits } from 'discord.js';
import type { APIChannel, APIMessage, APIUser } from 'discord.js';
import { WebSocketServer } from 'ws';
import { listenHttpFake, sendJson } from '../http-fake.js';
import { FakeGateway } from './gateway.js';
import type { Dispatch, GatewayStats } from './gateway.js';
import { handleRest } from './rest.js';
import type { RestFault } from './rest.js';
import { memberObject, messageObject } from './wire.js';
import { DiscordWorld } from './world.js';
import type { RecordedRestRequest, SentMessage } from './world.js';

export type { RestFault, SentMessage, RecordedRestRequest };

/** Options of a fake; defaults suit tests. */
export interface DiscordFakeOptions {
  /** The one valid bot token. */
  token?: string;
  botName?: string;
  /** HELLO's heartbeat_interval (Discord sends ~41250). */
  heartbeatIntervalMs?: number;
  /** The bot's Message Content intent is off in the Developer Portal (IDENTIFY gets 4014). */
  messageContentIntentDisabled?: boolean;
}

/** A message a user writes, as a test injects it. */
export interface UserMessageInput {
  channelId: string;
  author: APIUser;
  content: string;
  /** Put the bot in the mentions array (and `<@id>` in front of the content). */
  mentionBot?: boolean;
  /** Reply to this message (message_reference + referenced_message). */
  replyTo?: string;
  attachments?: { name: string; contentType: string; data: Uint8Array }[];
}

/** A running fake Discord. */
export interface DiscordFake {
  /** For discord.js `rest.api` (and the plugin's `apiBase`). */
  apiBase: string;
  gatewayUrl: string;
  token: string;
  bot: APIUser;
  world: DiscordWorld;
  /** Messages the bot created, in order. */
  sent: SentMessage[];
  typing: DiscordWorld['typing'];
  edits: DiscordWorld['edits'];
  requests: RecordedRestRequest[];
  gateway: GatewayStats;
  addUser(username: string): APIUser;
  /** A guild with one text channel; announced with GUILD_CREATE to connected sessions. */
  addGuild(name: string): { guildId: string; channelId: string };
  /** A thread under a guild channel; announced with THREAD_CREATE. */
  addThread(parentId: string, name: string): APIChannel;
  /** The DM channel between the bot and a user. */
  dmChannel(user: APIUser): APIChannel;
  /** A user writes a message: stored and dispatched as MESSAGE_CREATE. */
  userMessage(input: UserMessageInput): APIMessage;
  /** Send a raw dispatch (e.g. the same MESSAGE_CREATE again, as a replay would). */
  dispatch(event: Dispatch): void;
  /** The next matching REST request(s) fail this way. */
  failNext(fault: RestFault): void;
  /** Cut every gateway socket (clients resume and get what they missed). */
  dropConnections(): void;
  /** op 7 RECONNECT to every session. */
  requestReconnect(): void;
  /** Forget every session: a client's next RESUME gets op 9 and it identifies anew. */
  invalidateSessions(): void;
  /** Sessions with an open socket. */
  connectedSessions(): number;
  /** Resolve once `predicate` holds on the sent log (polls; rejects after timeoutMs). */
  waitForSent(predicate: (sent: SentMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Start a fake Discord on a free port of 127.0.0.1. */
export async function startDiscordFake(options: DiscordFakeOptions = {}): Promise<DiscordFake> {
  const token = options.token ?? 'fake-discord-bot-token';
  const world = new DiscordWorld(options.botName ?? 'clawdbot');
  const faults: RestFault[] = [];
  const wss = new WebSocketServer({ noServer: true });
  // Requests wait for restContext, which needs the URL: nothing knows the URL before then.
  const http = await listenHttpFake((req, res) => handleRest(restContext, req, res), {
    onError: (res, error) => sendJson(res, 500, { code: 0, message: String(error) }),
  });
  const baseUrl = http.url;
  const gatewayUrl = `ws://127.0.0.1:${http.port}`;
  const gateway = new FakeGateway(world, {
    token,
    url: gatewayUrl,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    privilegedIntentsDisabled: options.messageContentIntentDisabled
      ? GatewayIntentBits.MessageContent
      : 0,
  });
  const restContext = {
    world,
    token,
    baseUrl,
    gatewayUrl,
    faults,
    onMessageCreated: (message: APIMessage, guildId: string | undefined) =>
      gateway.dispatch(messageCreate(message, guildId, world), guildId),
  };
  http.server.on('upgrade', (req, socket, head) => {
    const query = new URL(req.url ?? '/', baseUrl).searchParams;
    // Discord refuses versions and encodings it does not serve; the fake speaks v10 JSON only.
    if (query.get('v') !== '10' || (query.get('encoding') ?? 'json') !== 'json') {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => gateway.attach(ws));
  });

  const fake: DiscordFake = {
    apiBase: `${baseUrl}/api`,
    gatewayUrl,
    token,
    bot: world.bot,
    world,
    sent: world.sent,
    typing: world.typing,
    edits: world.edits,
    requests: world.requests,
    gateway: gateway.stats,
    addUser: (username) => world.addUser(username),
    addGuild(name) {
      const { guild, channelId } = world.addGuild(name);
      gateway.dispatch({ t: 'GUILD_CREATE', d: gateway.guildCreate(guild.id) }, guild.id);
      return { guildId: guild.id, channelId };
    },
    addThread(parentId, name) {
      const thread = world.addThread(parentId, name);
      gateway.dispatch(
        { t: 'THREAD_CREATE', d: { ...thread, newly_created: true } },
        world.guildOf(parentId),
      );
      return thread;
    },
    dmChannel: (user) => world.dmWith(user),
    userMessage(input) {
      const guildId = world.guildOf(input.channelId);
      const referenced = input.replyTo ? world.messages.get(input.replyTo) : undefined;
      const attachments = (input.attachments ?? []).map((file) =>
        world.addAttachment(baseUrl, file),
      );
      const message = messageObject({
        id: world.nextId(),
        channelId: input.channelId,
        author: input.author,
        content: input.mentionBot ? `<@${world.bot.id}> ${input.content}` : input.content,
        mentions: [
          ...(input.mentionBot ? [world.bot] : []),
          // A reply pings the replied-to author by default, so Discord lists them too.
          ...(referenced && !input.mentionBot ? [referenced.author] : []),
        ],
        attachments,
        ...(referenced ? { referenced } : {}),
      });
      world.messages.set(message.id, message);
      gateway.dispatch(messageCreate(message, guildId, world), guildId);
      return message;
    },
    dispatch(event) {
      const data = event.d as { guild_id?: string };
      gateway.dispatch(event, data.guild_id);
    },
    failNext: (fault) => void faults.push({ ...fault }),
    dropConnections: () => gateway.dropConnections(),
    requestReconnect: () => gateway.requestReconnect(),
    invalidateSessions: () => gateway.invalidateSessions(),
    connectedSessions: () => gateway.connectedSessions(),
    async waitForSent(predicate, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(world.sent)) {
        if (Date.now() > deadline) {
          throw new Error(
            `fake Discord: condition not met; sent so far: ${JSON.stringify(world.sent)}`,
          );
        }
        await sleep(25);
      }
    },
    async close() {
      gateway.close();
      wss.close();
      await http.close();
    },
  };
  return fake;
}

/** MESSAGE_CREATE data: the message plus guild_id, member and channel_type (extra fields). */
function messageCreate(
  message: APIMessage,
  guildId: string | undefined,
  world: DiscordWorld,
): Dispatch {
  const channel = world.channels.get(message.channel_id);
  return {
    t: 'MESSAGE_CREATE',
    d: {
      ...message,
      ...(guildId ? { guild_id: guildId, member: memberObject(new Date().toISOString()) } : {}),
      ...(channel ? { channel_type: channel.type } : {}),
    },
  };
}
