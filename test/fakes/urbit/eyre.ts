/**
 * An Urbit ship's HTTP server (eyre) on 127.0.0.1, written from Urbit's eyre docs
 * (docs.urbit.org, "Eyre": authentication, channels): `POST /~/login` with
 * `password=<code>` answers 204 and `set-cookie: urbauth-~<ship>=…`; `PUT /~/channel/<id>`
 * takes a JSON array of actions (poke, subscribe, unsubscribe, ack, delete) and creates the
 * channel; `GET /~/channel/<id>` is its SSE stream (`id:` and `data:` lines, each poke
 * answered `{ id, response: "poke", ok }`, each subscription `{ response: "subscribe" }`,
 * facts `{ id, response: "diff", json, mark }`), replaying from `Last-Event-ID` what was
 * not acked; an unknown channel's stream is 404. `/~/name` names the logged-in ship.
 *
 * The ship's agents are played by the test: `dm()` and `post()` send facts in the shapes
 * of the chat agent's `/v3` and the channels agent's `/v2` firehoses; pokes are recorded.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { changeWaiter } from '../change-waiter.js';

/** A recorded poke. */
export interface EyrePoke {
  ship: string;
  app: string;
  mark: string;
  json: unknown;
}

interface ChannelEvent {
  id: number;
  data: string;
}

interface Channel {
  events: ChannelEvent[];
  nextId: number;
  subscriptions: Map<number, { app: string; path: string }>;
  streams: Set<ServerResponse>;
}

/** A running fake ship. */
export interface FakeEyre {
  url: string;
  ship: string;
  code: string;
  pokes: EyrePoke[];
  logins(): number;
  /** Live subscriptions (app + path) over all channels. */
  subscriptions(): string[];
  streams(): number;
  /** A DM from `from` to the ship (chat /v3 fact); returns the message id. */
  dm(from: string, text: string): string;
  /** A post in a group channel (channels /v2 fact); `parent` makes it a thread reply. */
  post(nest: string, from: string, text: string, options?: { parent?: string }): string;
  /** Cut every SSE stream (the client reconnects with Last-Event-ID). */
  dropStreams(): void;
  waitFor<T>(check: () => T | undefined | false): Promise<T>;
  close(): Promise<void>;
}

// @da of the Unix epoch; one second is 2^64 @da units.
const DA_UNIX_EPOCH = 170141184475152167957503069145530368000n;
const ud = (value: bigint) => value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
let counter = 0;
const nowDa = () => DA_UNIX_EPOCH + (BigInt(Date.now()) << 64n) / 1000n + BigInt(counter++);

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Start a fake ship on a free port. */
export async function startFakeEyre(
  options: { ship?: string; code?: string } = {},
): Promise<FakeEyre> {
  const ship = options.ship ?? '~sampel-palnet';
  const code = options.code ?? 'lidlut-tabwed-pillex-ridrup';
  const waiter = changeWaiter();
  const sessions = new Set<string>();
  const channels = new Map<string, Channel>();
  const pokes: EyrePoke[] = [];
  let loginCount = 0;

  const authed = (request: IncomingMessage) => {
    const cookies = (request.headers.cookie ?? '').split(';').map((part) => part.trim());
    return cookies.some((value) => value.startsWith(`urbauth-${ship}=`) && sessions.has(value));
  };

  const emit = (channel: Channel, payload: Record<string, unknown>) => {
    const event = { id: channel.nextId++, data: JSON.stringify(payload) };
    channel.events.push(event);
    for (const stream of channel.streams) stream.write(`id: ${event.id}\ndata: ${event.data}\n\n`);
    waiter.changed();
  };

  const factToSubscribers = (app: string, path: string, json: unknown, mark: string) => {
    for (const channel of channels.values()) {
      for (const [id, subscription] of channel.subscriptions) {
        if (subscription.app === app && subscription.path === path) {
          emit(channel, { id, response: 'diff', json, mark });
        }
      }
    }
  };

  const act = (channel: Channel, action: Record<string, unknown>) => {
    const id = Number(action.id);
    switch (action.action) {
      case 'poke':
        pokes.push({
          ship: `~${String(action.ship)}`,
          app: String(action.app),
          mark: String(action.mark),
          json: action.json,
        });
        emit(channel, { id, response: 'poke', ok: 'ok' });
        return;
      case 'subscribe':
        channel.subscriptions.set(id, { app: String(action.app), path: String(action.path) });
        emit(channel, { id, response: 'subscribe', ok: 'ok' });
        return;
      case 'unsubscribe':
        channel.subscriptions.delete(Number(action.subscription));
        waiter.changed();
        return;
      case 'ack': {
        const upTo = Number(action['event-id']);
        channel.events = channel.events.filter((event) => event.id > upTo);
        return;
      }
      default:
        return;
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0]!;
    if (request.method === 'POST' && path === '/~/login') {
      const password = new URLSearchParams(await bodyOf(request)).get('password');
      if (password !== code) {
        response.writeHead(400, { 'content-type': 'text/html' }).end('<p>bad code</p>');
        return;
      }
      loginCount += 1;
      const session = `urbauth-${ship}=0v${randomBytes(16).toString('hex')}`;
      sessions.add(session);
      response.writeHead(204, { 'set-cookie': `${session}; Path=/; Max-Age=604800` }).end();
      return;
    }
    if (!authed(request)) {
      response.writeHead(403).end();
      return;
    }
    if (request.method === 'GET' && path === '/~/name') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end(ship);
      return;
    }
    const match = /^\/~\/channel\/([^/]+)$/.exec(path);
    if (!match) {
      response.writeHead(404).end();
      return;
    }
    const uid = match[1]!;
    if (request.method === 'PUT' || request.method === 'POST') {
      let actions: Record<string, unknown>[];
      try {
        actions = JSON.parse(await bodyOf(request)) as Record<string, unknown>[];
      } catch {
        response.writeHead(400).end();
        return;
      }
      if (actions.some((action) => action.action === 'delete')) {
        for (const stream of channels.get(uid)?.streams ?? []) stream.end();
        channels.delete(uid);
        waiter.changed();
        response.writeHead(204).end();
        return;
      }
      let channel = channels.get(uid);
      if (!channel) {
        channel = { events: [], nextId: 0, subscriptions: new Map(), streams: new Set() };
        channels.set(uid, channel);
      }
      for (const action of actions) act(channel, action);
      response.writeHead(204).end();
      return;
    }
    if (request.method === 'GET') {
      const channel = channels.get(uid);
      if (!channel) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      const lastId = Number(request.headers['last-event-id'] ?? -1);
      for (const event of channel.events) {
        if (event.id > lastId) response.write(`id: ${event.id}\ndata: ${event.data}\n\n`);
      }
      channel.streams.add(response);
      waiter.changed();
      const heartbeat = setInterval(() => response.write(':\n\n'), 10_000);
      response.on('close', () => {
        clearInterval(heartbeat);
        channel.streams.delete(response);
        waiter.changed();
      });
      return;
    }
    response.writeHead(405).end();
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const story = (text: string) => [{ inline: [text] }];
  return {
    url: `http://127.0.0.1:${port}`,
    ship,
    code,
    pokes,
    logins: () => loginCount,
    subscriptions: () =>
      [...channels.values()].flatMap((channel) =>
        [...channel.subscriptions.values()].map((sub) => `${sub.app}${sub.path}`),
      ),
    streams: () => [...channels.values()].reduce((sum, channel) => sum + channel.streams.size, 0),
    dm(from, text) {
      const id = `${from}/${ud(nowDa())}`;
      const essay = {
        content: story(text),
        author: from,
        sent: Date.now(),
        kind: '/chat',
        meta: null,
        blob: null,
      };
      factToSubscribers(
        'chat',
        '/v3',
        { whom: from, id, response: { add: { essay, time: null } } },
        'writ-response',
      );
      return id;
    },
    post(nest, from, text, postOptions = {}) {
      const id = ud(nowDa());
      const sent = Date.now();
      const content = story(text);
      const fact = postOptions.parent
        ? {
            nest,
            response: {
              post: {
                id: postOptions.parent,
                'r-post': {
                  reply: {
                    id,
                    'r-reply': {
                      set: {
                        seal: { id, 'parent-id': postOptions.parent, reacts: {} },
                        memo: { content, author: from, sent },
                      },
                    },
                  },
                },
              },
            },
          }
        : {
            nest,
            response: {
              post: {
                id,
                'r-post': {
                  set: {
                    seal: {
                      id,
                      reacts: {},
                      replies: [],
                      meta: { replyCount: 0, lastReply: null, lastRepliers: [] },
                    },
                    essay: { content, author: from, sent, kind: '/chat', blob: null, meta: null },
                  },
                },
              },
            },
          };
      factToSubscribers('channels', '/v2', fact, 'channel-response-2');
      return id;
    },
    dropStreams: () => {
      for (const channel of channels.values()) {
        for (const stream of channel.streams) stream.destroy();
      }
    },
    waitFor: (check) => waiter.waitFor(check),
    close: async () => {
      for (const channel of channels.values())
        for (const stream of channel.streams) stream.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
