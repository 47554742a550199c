// The fake's Gateway (v10, JSON, no compression): HELLO, IDENTIFY -> READY (+ GUILD_CREATE),
// heartbeats and ACKs, dispatches with sequence numbers filtered by intents, RESUME replaying
// what a dropped connection missed, op 7 RECONNECT and op 9 INVALID SESSION.
import { randomUUID } from 'node:crypto';
import { GatewayCloseCodes, GatewayIntentBits, GatewayOpcodes } from 'discord.js';
import type { GatewayDispatchEvents } from 'discord.js';
import type { WebSocket } from 'ws';
import { guildCreateData } from './wire.js';
import type { DiscordWorld } from './world.js';

/** One gateway session: it outlives its socket so a client can RESUME it. */
interface GatewaySession {
  id: string;
  intents: number;
  seq: number;
  socket: WebSocket | undefined;
  /** Every dispatch sent in this session, kept for replay on RESUME. */
  log: { s: number; t: Dispatch['t']; d: unknown }[];
}

/** A dispatch as the fake sends it: event name and data. */
export interface Dispatch {
  t: `${GatewayDispatchEvents}`;
  d: unknown;
}

/** Counters tests read (how often the client identified or resumed). */
export interface GatewayStats {
  identifies: number;
  resumes: number;
  heartbeats: number;
}

const MESSAGE_EVENTS = new Set(['MESSAGE_CREATE', 'MESSAGE_UPDATE']);

/** The gateway half of the fake; `attach` is called for every accepted WebSocket. */
export class FakeGateway {
  readonly stats: GatewayStats = { identifies: 0, resumes: 0, heartbeats: 0 };
  private readonly sessions = new Map<string, GatewaySession>();
  private readonly sockets = new Set<WebSocket>();

  constructor(
    private readonly world: DiscordWorld,
    private readonly options: {
      token: string;
      url: string;
      heartbeatIntervalMs: number;
      /** Privileged intents not enabled for this bot in the Developer Portal. */
      privilegedIntentsDisabled: number;
    },
  ) {}

  /** Serve one connection: HELLO first, then the client's opcodes. */
  attach(socket: WebSocket): void {
    this.sockets.add(socket);
    let session: GatewaySession | undefined;
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (session?.socket === socket) session.socket = undefined;
    });
    socket.on('message', (raw: Buffer) => {
      let payload: { op?: GatewayOpcodes; d?: unknown };
      try {
        payload = JSON.parse(raw.toString('utf8')) as { op?: GatewayOpcodes; d?: unknown };
      } catch {
        socket.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
        return;
      }
      if (payload.op === GatewayOpcodes.Heartbeat) {
        this.stats.heartbeats++;
        socket.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck }));
      } else if (payload.op === GatewayOpcodes.Identify) {
        session = this.identify(socket, payload.d as IdentifyData, session);
      } else if (payload.op === GatewayOpcodes.Resume) {
        session = this.resume(socket, payload.d as ResumeData, session);
      } else if (!session) {
        socket.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
      }
      // Presence, voice and member requests of an authenticated session are ignored.
    });
    socket.send(
      JSON.stringify({
        op: GatewayOpcodes.Hello,
        d: { heartbeat_interval: this.options.heartbeatIntervalMs },
      }),
    );
  }

  /** Send an event to every session (buffered for ones whose socket is gone). */
  dispatch(event: Dispatch, guildId: string | undefined): void {
    for (const session of this.sessions.values()) {
      if (!wants(session.intents, event, guildId)) continue;
      this.send(session, {
        t: event.t,
        d: withoutContent(session.intents, event, this.world.bot.id),
      });
    }
  }

  /** Sockets currently open and identified or resumed. */
  connectedSessions(): number {
    return [...this.sessions.values()].filter((s) => s.socket).length;
  }

  /** Drop every socket without a close frame (the client sees 1006 and resumes). */
  dropConnections(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  /** Ask every client to reconnect (op 7); it closes and resumes. */
  requestReconnect(): void {
    for (const session of this.sessions.values()) {
      session.socket?.send(JSON.stringify({ op: GatewayOpcodes.Reconnect, d: null }));
    }
  }

  /** Forget every session: the next RESUME is answered with op 9 and the client identifies. */
  invalidateSessions(): void {
    this.sessions.clear();
  }

  close(): void {
    for (const socket of this.sockets) socket.terminate();
    this.sessions.clear();
  }

  private identify(
    socket: WebSocket,
    data: IdentifyData,
    current: GatewaySession | undefined,
  ): GatewaySession | undefined {
    if (current) {
      socket.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return current;
    }
    if (data?.token !== this.options.token && data?.token !== `Bot ${this.options.token}`) {
      socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return undefined;
    }
    if (typeof data.intents !== 'number') {
      socket.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
      return undefined;
    }
    if (data.intents & this.options.privilegedIntentsDisabled) {
      socket.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
      return undefined;
    }
    this.stats.identifies++;
    const session: GatewaySession = {
      id: randomUUID().replaceAll('-', ''),
      intents: data.intents,
      seq: 0,
      socket,
      log: [],
    };
    this.sessions.set(session.id, session);
    const guilds = [...this.world.guilds.values()];
    this.send(session, {
      t: 'READY',
      d: {
        v: 10,
        user: this.world.bot,
        guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
        session_id: session.id,
        resume_gateway_url: this.options.url,
        shard: data.shard ?? [0, 1],
        application: { id: this.world.bot.id, flags: 0 },
      },
    });
    if (session.intents & GatewayIntentBits.Guilds) {
      for (const guild of guilds)
        this.send(session, { t: 'GUILD_CREATE', d: this.guildCreate(guild.id) });
    }
    return session;
  }

  private resume(
    socket: WebSocket,
    data: ResumeData,
    current: GatewaySession | undefined,
  ): GatewaySession | undefined {
    const session = this.sessions.get(data?.session_id ?? '');
    if (current || !session || data.token.replace(/^Bot /, '') !== this.options.token) {
      // op 9 with d=false: the session cannot be resumed, the client must identify anew.
      socket.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false }));
      return current;
    }
    this.stats.resumes++;
    session.socket?.terminate();
    session.socket = socket;
    for (const entry of session.log) {
      if (entry.s > data.seq)
        socket.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, ...entry }));
    }
    this.send(session, { t: 'RESUMED', d: {} });
    return session;
  }

  /** GUILD_CREATE data for a guild as the world has it now. */
  guildCreate(guildId: string): unknown {
    const guild = this.world.guilds.get(guildId);
    if (!guild) throw new Error(`unknown guild ${guildId}`);
    const pick = (ids: string[]) => ids.flatMap((id) => this.world.channels.get(id) ?? []);
    return guildCreateData({
      id: guild.id,
      name: guild.name,
      ownerId: this.world.bot.id,
      channels: pick(guild.channelIds),
      threads: pick(guild.threadIds),
      joinedAt: guild.joinedAt,
    });
  }

  private send(session: GatewaySession, event: Dispatch): void {
    const entry = { s: ++session.seq, t: event.t, d: event.d };
    session.log.push(entry);
    if (session.log.length > 1000) session.log.shift();
    session.socket?.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, ...entry }));
  }
}

interface IdentifyData {
  token: string;
  intents: number;
  shard?: [number, number];
}

interface ResumeData {
  token: string;
  session_id: string;
  seq: number;
}

/** Guild events need GUILDS, messages GUILD_MESSAGES or DIRECT_MESSAGES (documented intents). */
function wants(intents: number, event: Dispatch, guildId: string | undefined): boolean {
  if (MESSAGE_EVENTS.has(event.t)) {
    const needed = guildId ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
    return (intents & needed) !== 0;
  }
  if (
    event.t.startsWith('GUILD_') ||
    event.t.startsWith('THREAD_') ||
    event.t.startsWith('CHANNEL_')
  ) {
    return (intents & GatewayIntentBits.Guilds) !== 0;
  }
  return true;
}

/**
 * Without MESSAGE_CONTENT, guild messages arrive with empty content, embeds and attachments
 * unless they mention the bot (DMs always keep them) — as Discord documents.
 */
function withoutContent(intents: number, event: Dispatch, botId: string): unknown {
  if (!MESSAGE_EVENTS.has(event.t) || intents & GatewayIntentBits.MessageContent) return event.d;
  const message = event.d as {
    guild_id?: string;
    author?: { id: string };
    mentions?: { id: string }[];
  };
  if (!message.guild_id || message.author?.id === botId) return event.d;
  if (message.mentions?.some((user) => user.id === botId)) return event.d;
  return { ...message, content: '', embeds: [], attachments: [], components: [] };
}
