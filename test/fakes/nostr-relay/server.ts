/**
 * A NIP-01 relay on 127.0.0.1 for the Nostr channel tests, written from the NIP-01 text:
 * clients send `["EVENT", event]` (answered `["OK", id, accepted, message]`, the signature
 * checked with nostr-tools' verifyEvent), `["REQ", subId, filter...]` (stored matches, then
 * `["EOSE", subId]`, then live matches) and `["CLOSE", subId]`. Filters match on ids,
 * authors, kinds, `#<letter>` tags, since, until and limit. Kind 0 (and other replaceable
 * kinds) keep only the newest event per author.
 *
 * Test controls: `publish` an event as another client would, `dropConnections` (every
 * socket cut, as when a relay restarts), `refuseConnections` (new sockets closed at once
 * until turned off), and `events` to inspect what was stored.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Event as NostrEvent } from 'nostr-tools/core';
import type { Filter } from 'nostr-tools/filter';
import { verifyEvent } from 'nostr-tools/pure';
import { WebSocketServer, type WebSocket } from 'ws';
import { changeWaiter } from '../change-waiter.js';

/** A running fake relay. */
export interface FakeNostrRelay {
  /** ws://127.0.0.1:<port> */
  url: string;
  /** Everything stored, oldest first. */
  events: NostrEvent[];
  /** Open client sockets. */
  connections(): number;
  /** Live subscriptions (all sockets). */
  subscriptions(): { subId: string; filters: Filter[] }[];
  /** Store and fan out an event as if a client had sent it; returns the OK verdict. */
  publish(event: NostrEvent): { accepted: boolean; message: string };
  dropConnections(): void;
  refuseConnections(refuse: boolean): void;
  waitFor<T>(check: () => T | undefined | false): Promise<T>;
  close(): Promise<void>;
}

const isReplaceable = (kind: number) =>
  kind === 0 || kind === 3 || (kind >= 10_000 && kind < 20_000);

/** Whether `event` matches one NIP-01 filter. */
export function matchesFilter(event: NostrEvent, filter: Filter): boolean {
  if (filter.ids && !filter.ids.includes(event.id)) return false;
  if (filter.authors && !filter.authors.includes(event.pubkey)) return false;
  if (filter.kinds && !filter.kinds.includes(event.kind)) return false;
  if (filter.since !== undefined && event.created_at < filter.since) return false;
  if (filter.until !== undefined && event.created_at > filter.until) return false;
  for (const [key, values] of Object.entries(filter)) {
    if (!key.startsWith('#') || !Array.isArray(values)) continue;
    const letter = key.slice(1);
    const tagged = event.tags.some(
      (tag) => tag[0] === letter && tag[1] !== undefined && (values as string[]).includes(tag[1]),
    );
    if (!tagged) return false;
  }
  return true;
}

/** Start a relay on a free port. */
export async function startFakeNostrRelay(): Promise<FakeNostrRelay> {
  const waiter = changeWaiter();
  const events: NostrEvent[] = [];
  const subs = new Map<WebSocket, Map<string, Filter[]>>();
  let refusing = false;
  const http: Server = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain' }).end('websocket only');
  });
  const wss = new WebSocketServer({ server: http });

  const send = (socket: WebSocket, message: unknown[]) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };

  const accept = (event: NostrEvent): { accepted: boolean; message: string } => {
    if (!verifyEvent(event)) return { accepted: false, message: 'invalid: bad id or signature' };
    if (events.some((stored) => stored.id === event.id)) {
      return { accepted: true, message: 'duplicate: already have this event' };
    }
    if (isReplaceable(event.kind)) {
      const older = events.findIndex(
        (stored) => stored.kind === event.kind && stored.pubkey === event.pubkey,
      );
      if (older !== -1) {
        if (events[older]!.created_at > event.created_at) {
          return { accepted: true, message: 'duplicate: have a newer one' };
        }
        events.splice(older, 1);
      }
    }
    events.push(event);
    for (const [socket, bySub] of subs) {
      for (const [subId, filters] of bySub) {
        if (filters.some((filter) => matchesFilter(event, filter)))
          send(socket, ['EVENT', subId, event]);
      }
    }
    waiter.changed();
    return { accepted: true, message: '' };
  };

  wss.on('connection', (socket) => {
    if (refusing) {
      socket.terminate();
      return;
    }
    subs.set(socket, new Map());
    waiter.changed();
    socket.on('close', () => {
      subs.delete(socket);
      waiter.changed();
    });
    socket.on('message', (data) => {
      let message: unknown;
      try {
        message = JSON.parse(
          (Array.isArray(data)
            ? Buffer.concat(data)
            : data instanceof ArrayBuffer
              ? Buffer.from(data)
              : data
          ).toString('utf8'),
        );
      } catch {
        send(socket, ['NOTICE', 'error: not JSON']);
        return;
      }
      if (!Array.isArray(message) || typeof message[0] !== 'string') {
        send(socket, ['NOTICE', 'error: not a NIP-01 message']);
        return;
      }
      const [type, ...rest] = message as [string, ...unknown[]];
      if (type === 'EVENT') {
        const event = rest[0] as NostrEvent;
        const verdict = accept(event);
        send(socket, ['OK', event?.id ?? '', verdict.accepted, verdict.message]);
      } else if (type === 'REQ') {
        const subId = String(rest[0]);
        const filters = rest.slice(1) as Filter[];
        subs.get(socket)?.set(subId, filters);
        const matching = events
          .filter((event) => filters.some((filter) => matchesFilter(event, filter)))
          .sort((a, b) => b.created_at - a.created_at);
        const limit = Math.min(...filters.map((filter) => filter.limit ?? Infinity));
        for (const event of matching.slice(0, limit)) send(socket, ['EVENT', subId, event]);
        send(socket, ['EOSE', subId]);
        waiter.changed();
      } else if (type === 'CLOSE') {
        subs.get(socket)?.delete(String(rest[0]));
        waiter.changed();
      } else {
        send(socket, ['NOTICE', `error: unknown message type ${type}`]);
      }
    });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    events,
    connections: () => subs.size,
    subscriptions: () =>
      [...subs.values()].flatMap((bySub) =>
        [...bySub].map(([subId, filters]) => ({ subId, filters })),
      ),
    publish: accept,
    dropConnections: () => {
      for (const socket of subs.keys()) socket.terminate();
    },
    refuseConnections: (refuse) => {
      refusing = refuse;
    },
    waitFor: (check) => waiter.waitFor(check),
    close: async () => {
      for (const socket of subs.keys()) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
