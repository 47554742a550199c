/**
 * Twitch chat on 127.0.0.1, written from Twitch's chat docs (dev.twitch.tv/docs/irc): IRC
 * over WebSocket (as irc-ws.chat.twitch.tv; several \r\n-ended lines may share a frame),
 * `CAP LS`/`CAP REQ` for twitch.tv/tags, commands and membership, `PASS oauth:<token>` and
 * `NICK` answered 001-004 and the MOTD (or `NOTICE * :Login authentication failed`), JOIN
 * answered with the JOIN echo, NAMES, USERSTATE and the full ROOMSTATE, PING/PONG, and
 * PRIVMSG from users carrying Twitch's tags (id, display-name, tmi-sent-ts, user-id and
 * the reply-parent-* tags). On the same port, `GET /auth/validate` answers like
 * https://id.twitch.tv/oauth2/validate (twurple's mock API prefix, TWURPLE_MOCK_API_PORT).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { changeWaiter } from '../change-waiter.js';
import { listenHttpFake, sendJson } from '../http-fake.js';

/** A message the bot sent (PRIVMSG). */
export interface TwitchSent {
  channel: string;
  text: string;
  tags: Record<string, string>;
  nick: string;
}

/** A running fake. */
export interface FakeTwitch {
  /** ws://127.0.0.1:<port> */
  url: string;
  port: number;
  token: string;
  clientId: string;
  botLogin: string;
  sent: TwitchSent[];
  /** Rooms the bot has joined over its live connection(s). */
  joined(): string[];
  connections(): number;
  /** A viewer writes in a room; returns the message id tag. */
  userSays(
    channel: string,
    user: string,
    text: string,
    options?: { replyTo?: { id: string; login: string; text: string } },
  ): string;
  dropConnections(): void;
  waitFor<T>(check: () => T | undefined | false): Promise<T>;
  close(): Promise<void>;
}

interface Session {
  socket: WebSocket;
  nick?: string;
  pass?: string;
  caps: Set<string>;
  rooms: Set<string>;
}

const HOST = 'tmi.twitch.tv';
const CAPS = ['twitch.tv/membership', 'twitch.tv/tags', 'twitch.tv/commands'];

function parseLine(line: string): {
  tags: Record<string, string>;
  command: string;
  params: string[];
} {
  let rest = line;
  const tags: Record<string, string> = {};
  if (rest.startsWith('@')) {
    const space = rest.indexOf(' ');
    for (const part of rest.slice(1, space).split(';')) {
      const [key, value = ''] = part.split('=');
      tags[key!] = value.replace(/\\s/g, ' ').replace(/\\:/g, ';').replace(/\\\\/g, '\\');
    }
    rest = rest.slice(space + 1);
  }
  if (rest.startsWith(':')) rest = rest.slice(rest.indexOf(' ') + 1);
  const trailingAt = rest.indexOf(' :');
  const head = trailingAt === -1 ? rest : rest.slice(0, trailingAt);
  const params = head.split(' ').filter(Boolean);
  const command = (params.shift() ?? '').toUpperCase();
  if (trailingAt !== -1) params.push(rest.slice(trailingAt + 2));
  return { tags, command, params };
}

const escapeTag = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/;/g, '\\:').replace(/ /g, '\\s');

/** Start the fake on a free port. */
export async function startFakeTwitch(
  options: { token?: string; clientId?: string; botLogin?: string } = {},
): Promise<FakeTwitch> {
  const token = options.token ?? 'faketwitchtoken123';
  const clientId = options.clientId ?? 'fakeclientid';
  const botLogin = options.botLogin ?? 'clawdbot_test';
  const waiter = changeWaiter();
  const sessions = new Set<Session>();
  const sent: TwitchSent[] = [];

  const validate = (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'GET' && request.url?.split('?')[0] === '/auth/validate') {
      const auth = request.headers.authorization ?? '';
      if (auth !== `OAuth ${token}` && auth !== `Bearer ${token}`) {
        return sendJson(response, 401, { status: 401, message: 'invalid access token' });
      }
      return sendJson(response, 200, {
        client_id: clientId,
        login: botLogin,
        scopes: ['chat:edit', 'chat:read'],
        user_id: '100000001',
        expires_in: 5_000_000,
      });
    }
    response.writeHead(404).end();
  };
  const http = await listenHttpFake(validate);
  const wss = new WebSocketServer({ server: http.server });

  const write = (session: Session, ...lines: string[]) => {
    if (session.socket.readyState === session.socket.OPEN) {
      session.socket.send(lines.map((line) => `${line}\r\n`).join(''));
    }
  };

  const handle = (session: Session, line: string) => {
    const { tags, command, params } = parseLine(line);
    const nick = session.nick ?? '*';
    switch (command) {
      case 'CAP': {
        const sub = params[0]?.toUpperCase();
        if (sub === 'LS') write(session, `:${HOST} CAP * LS :${CAPS.join(' ')}`);
        else if (sub === 'REQ') {
          const wanted = (params[1] ?? '').split(' ').filter(Boolean);
          const ok = wanted.every((cap) => CAPS.includes(cap));
          if (ok) wanted.forEach((cap) => session.caps.add(cap));
          write(session, `:${HOST} CAP * ${ok ? 'ACK' : 'NAK'} :${wanted.join(' ')}`);
        }
        return;
      }
      case 'PASS':
        session.pass = params[0];
        return;
      case 'NICK': {
        session.nick = params[0]?.toLowerCase();
        if (session.pass !== `oauth:${token}` || session.nick !== botLogin) {
          write(session, `:${HOST} NOTICE * :Login authentication failed`);
          session.socket.close();
          return;
        }
        const me = session.nick;
        write(
          session,
          `:${HOST} 001 ${me} :Welcome, GLHF!`,
          `:${HOST} 002 ${me} :Your host is ${HOST}`,
          `:${HOST} 003 ${me} :This server is rather new`,
          `:${HOST} 004 ${me} :-`,
          `:${HOST} 375 ${me} :-`,
          `:${HOST} 372 ${me} :You are in a maze of twisty passages, all alike.`,
          `:${HOST} 376 ${me} :>`,
        );
        return;
      }
      case 'JOIN':
        for (const channel of (params[0] ?? '').split(',').filter(Boolean)) {
          const room = channel.replace(/^#/, '').toLowerCase();
          session.rooms.add(room);
          write(
            session,
            `:${nick}!${nick}@${nick}.${HOST} JOIN #${room}`,
            `:${nick}.${HOST} 353 ${nick} = #${room} :${nick}`,
            `:${nick}.${HOST} 366 ${nick} #${room} :End of /NAMES list`,
            `@badge-info=;badges=;color=;display-name=${nick};emote-sets=0;mod=0;subscriber=0;user-type= :${HOST} USERSTATE #${room}`,
            `@emote-only=0;followers-only=-1;r9k=0;room-id=4242;slow=0;subs-only=0 :${HOST} ROOMSTATE #${room}`,
          );
        }
        waiter.changed();
        return;
      case 'PART':
        for (const channel of (params[0] ?? '').split(',')) {
          const room = channel.replace(/^#/, '').toLowerCase();
          session.rooms.delete(room);
          write(session, `:${nick}!${nick}@${nick}.${HOST} PART #${room}`);
        }
        waiter.changed();
        return;
      case 'PING':
        write(session, `:${HOST} PONG ${HOST} :${params[0] ?? ''}`);
        return;
      case 'PRIVMSG': {
        const room = (params[0] ?? '').replace(/^#/, '').toLowerCase();
        sent.push({ channel: room, text: params[1] ?? '', tags, nick });
        write(
          session,
          `@badge-info=;badges=;color=;display-name=${nick};emote-sets=0;mod=0;subscriber=0;user-type= :${HOST} USERSTATE #${room}`,
        );
        waiter.changed();
        return;
      }
      default:
        write(session, `:${HOST} 421 ${nick} ${command} :Unknown command`);
    }
  };

  wss.on('connection', (socket) => {
    const session: Session = { socket, caps: new Set(), rooms: new Set() };
    sessions.add(session);
    waiter.changed();
    socket.on('message', (data) => {
      const text = (
        Array.isArray(data)
          ? Buffer.concat(data)
          : data instanceof ArrayBuffer
            ? Buffer.from(data)
            : data
      ).toString('utf8');
      for (const line of text.split(/\r?\n/)) if (line.trim() !== '') handle(session, line);
    });
    socket.on('close', () => {
      sessions.delete(session);
      waiter.changed();
    });
  });

  return {
    url: `ws://127.0.0.1:${http.port}`,
    port: http.port,
    token,
    clientId,
    botLogin,
    sent,
    joined: () => [...sessions].flatMap((session) => [...session.rooms]),
    connections: () => sessions.size,
    userSays(channel, user, text, sayOptions = {}) {
      const id = randomUUID();
      const login = user.toLowerCase();
      const tags: Record<string, string> = {
        'badge-info': '',
        badges: '',
        color: '#1E90FF',
        'display-name': user,
        emotes: '',
        'first-msg': '0',
        flags: '',
        id,
        mod: '0',
        'returning-chatter': '0',
        'room-id': '4242',
        subscriber: '0',
        'tmi-sent-ts': String(Date.now()),
        turbo: '0',
        'user-id': String(200000000 + login.length),
        'user-type': '',
      };
      if (sayOptions.replyTo) {
        tags['reply-parent-msg-id'] = sayOptions.replyTo.id;
        tags['reply-parent-user-login'] = sayOptions.replyTo.login;
        tags['reply-parent-display-name'] = sayOptions.replyTo.login;
        tags['reply-parent-msg-body'] = sayOptions.replyTo.text;
      }
      const tagText = Object.entries(tags)
        .map(([key, value]) => `${key}=${escapeTag(value)}`)
        .join(';');
      const room = channel.toLowerCase();
      for (const session of sessions) {
        if (!session.rooms.has(room)) continue;
        write(session, `@${tagText} :${login}!${login}@${login}.${HOST} PRIVMSG #${room} :${text}`);
      }
      return id;
    },
    dropConnections: () => {
      for (const session of sessions) session.socket.terminate();
    },
    waitFor: (check) => waiter.waitFor(check),
    close: async () => {
      for (const session of sessions) session.socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await http.close();
    },
  };
}
