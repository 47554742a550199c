/**
 * A fake signal-cli daemon (`signal-cli daemon --http`), after signal-cli-jsonrpc(5):
 * `POST /api/v1/rpc` (JSON-RPC 2.0: `send`, `sendTyping`, `getAttachment`),
 * `GET /api/v1/events` (Server-Sent Events, one `receive` event per envelope, each with an
 * id; a client reconnecting with `Last-Event-ID` first gets the events after it) and
 * `GET /api/v1/check`. The test plays the other Signal users.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { changeWaiter } from '../change-waiter.js';
import { listenHttpFake, readJson, sendJson } from '../http-fake.js';

/** A Signal user the test writes as. */
export interface SignalUser {
  number: string;
  uuid: string;
  name: string;
}

/** One `send` call the daemon took. */
export interface SignalSent {
  recipient?: string[];
  groupId?: string;
  message: string;
  attachments: string[];
  quoteTimestamp?: number;
  quoteAuthor?: string;
  timestamp: number;
}

/** An envelope the fake emitted (to redeliver it). */
export type SignalEnvelopeJson = Record<string, unknown> & { timestamp: number };

/** The fake and its controls. */
export interface FakeSignal {
  url: string;
  port: number;
  /** The bot's number (the daemon's account). */
  account: string;
  sent: SignalSent[];
  typing: Record<string, unknown>[];
  rpcCalls: { method: string; params: Record<string, unknown> }[];
  /** Open event streams right now. */
  streams(): number;
  /** A user sends a message (to the bot, or in a group); returns the envelope. */
  userSends(
    user: SignalUser,
    text: string,
    options?: {
      groupId?: string;
      mentionsBot?: boolean;
      attachments?: { id: string; contentType: string; filename: string; size: number }[];
    },
  ): SignalEnvelopeJson;
  /** Emit an envelope again (as after a daemon restart replays its buffer). */
  redeliver(envelope: SignalEnvelopeJson): void;
  /** Store a received attachment the way signal-cli does; returns its description. */
  storeAttachment(
    bytes: Buffer,
    contentType: string,
    filename: string,
  ): { id: string; contentType: string; filename: string; size: number };
  /** Close every open event stream (the client must reconnect). */
  dropStreams(): void;
  /** Answer /api/v1/events with 503 while true. */
  refuseStreams(refuse: boolean): void;
  waitFor<T>(check: () => T | undefined | false): Promise<T>;
  close(): Promise<void>;
}

/** Start the fake daemon on `port` (default: a free one). */
export async function startFakeSignal(options: { port?: number } = {}): Promise<FakeSignal> {
  const waiter = changeWaiter();
  const account = '+15550000001';
  const events: { id: number; data: string }[] = [];
  const clients = new Set<ServerResponse>();
  const attachments = new Map<string, Buffer>();
  const sent: SignalSent[] = [];
  const typing: Record<string, unknown>[] = [];
  const rpcCalls: FakeSignal['rpcCalls'] = [];
  let nextEventId = 1;
  let clock = Date.now();
  let refusing = false;

  const writeEvent = (response: ServerResponse, event: { id: number; data: string }) =>
    response.write(`event: receive\nid: ${event.id}\ndata: ${event.data}\n\n`);

  const emit = (envelope: SignalEnvelopeJson) => {
    const event = { id: nextEventId++, data: JSON.stringify({ envelope, account }) };
    events.push(event);
    if (events.length > 1000) events.shift();
    for (const client of clients) writeEvent(client, event);
    waiter.changed();
  };

  const rpc = (method: string, params: Record<string, unknown>): unknown => {
    switch (method) {
      case 'send': {
        const timestamp = ++clock;
        // signal-cli takes one value or an array wherever its CLI takes several.
        const list = (value: unknown): string[] =>
          value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => `${v}`);
        const recipients = list(params.recipient);
        if (recipients.length === 0 && typeof params.groupId !== 'string') {
          throw Object.assign(new Error('No recipients given'), { code: -32602 });
        }
        sent.push({
          ...(recipients.length > 0 ? { recipient: recipients } : {}),
          ...(typeof params.groupId === 'string' ? { groupId: params.groupId } : {}),
          message: typeof params.message === 'string' ? params.message : '',
          attachments: [...list(params.attachments), ...list(params.attachment)],
          ...(typeof params.quoteTimestamp === 'number'
            ? { quoteTimestamp: params.quoteTimestamp }
            : {}),
          ...(typeof params.quoteAuthor === 'string' ? { quoteAuthor: params.quoteAuthor } : {}),
          timestamp,
        });
        return { timestamp, results: [{ type: 'SUCCESS' }] };
      }
      case 'sendTyping':
        typing.push(params);
        return {};
      case 'getAttachment': {
        const bytes = attachments.get(String(params.id));
        if (!bytes) throw Object.assign(new Error('Attachment not found'), { code: -1 });
        return { data: bytes.toString('base64') };
      }
      default:
        // JSON-RPC 2.0's own answer to a method the daemon does not have.
        throw Object.assign(new Error(`Method not found: ${method}`), { code: -32601 });
    }
  };

  const handleRpc = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readJson<{
      id?: unknown;
      method: string;
      params?: Record<string, unknown>;
    }>(request);
    const params = body.params ?? {};
    rpcCalls.push({ method: body.method, params });
    let answer: Record<string, unknown>;
    try {
      answer = { jsonrpc: '2.0', id: body.id, result: rpc(body.method, params) };
    } catch (error) {
      const { code, message } = error as Error & { code: number };
      answer = { jsonrpc: '2.0', id: body.id, error: { code, message, data: null } };
    }
    sendJson(response, 200, answer);
    waiter.changed();
  };

  const handleEvents = (request: IncomingMessage, response: ServerResponse) => {
    if (refusing) {
      response.writeHead(503).end('unavailable');
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    response.flushHeaders();
    const last = Number(request.headers['last-event-id']);
    if (Number.isFinite(last)) {
      const known = events.some((event) => event.id === last);
      for (const event of events) if (!known || event.id > last) writeEvent(response, event);
    }
    clients.add(response);
    response.on('close', () => {
      clients.delete(response);
      waiter.changed();
    });
    waiter.changed();
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.method === 'POST' && path === '/api/v1/rpc') {
      await handleRpc(request, response);
    } else if (request.method === 'GET' && path === '/api/v1/events') {
      handleEvents(request, response);
    } else if (request.method === 'GET' && path === '/api/v1/check') {
      response.writeHead(200).end();
    } else {
      response.writeHead(404).end();
    }
  };
  const http = await listenHttpFake(handle, options);

  return {
    url: http.url,
    port: http.port,
    account,
    sent,
    typing,
    rpcCalls,
    streams: () => clients.size,
    userSends(user, text, messageOptions = {}) {
      const timestamp = ++clock;
      const mentionAt = text.indexOf('\uFFFC');
      const envelope: SignalEnvelopeJson = {
        source: user.number,
        sourceNumber: user.number,
        sourceUuid: user.uuid,
        sourceName: user.name,
        sourceDevice: 1,
        timestamp,
        dataMessage: {
          timestamp,
          message: text,
          expiresInSeconds: 0,
          viewOnce: false,
          mentions:
            messageOptions.mentionsBot && mentionAt !== -1
              ? [{ name: account, number: account, uuid: 'bot-uuid', start: mentionAt, length: 1 }]
              : [],
          attachments: messageOptions.attachments ?? [],
          ...(messageOptions.groupId
            ? { groupInfo: { groupId: messageOptions.groupId, type: 'DELIVER' } }
            : {}),
        },
      };
      emit(envelope);
      return envelope;
    },
    redeliver: (envelope) => emit(envelope),
    storeAttachment(bytes, contentType, filename) {
      const id = `${randomBytes(10).toString('hex')}.bin`;
      attachments.set(id, bytes);
      return { id, contentType, filename, size: bytes.length };
    },
    dropStreams() {
      for (const client of clients) client.destroy();
    },
    refuseStreams(refuse) {
      refusing = refuse;
    },
    waitFor: (check) => waiter.waitFor(check),
    async close() {
      for (const client of clients) client.destroy();
      await http.close();
    },
  };
}
