// A fake Telegram Bot API server on 127.0.0.1 that the real grammy talks to unchanged
// (`client.apiRoot`). It keeps the documented wire format — `/bot<token>/<method>`, the
// `{ok, result}` / `{ok:false, error_code, description, parameters}` envelope, getUpdates
// offsets and long polling, webhooks with the secret-token header — records what the bot
// sent, and lets a test play users and inject failures.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { changeWaiter } from '../change-waiter.js';
import { listenHttpFake, readBody, sendJson } from '../http-fake.js';
import { BotApiMethods, type MethodContext } from './methods.js';
import { readParams } from './request-params.js';
import { TelegramState, type SentRecord, type UserMessageInput } from './state.js';
import {
  TgApiError,
  tooManyRequests,
  type TgResponse,
  type TgUpdate,
  type TgUser,
} from './wire.js';

export type { SentRecord, UserMessageInput };

/** What a test injects instead of the next answer(s) of a method. */
export type InjectedFailure =
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'server-error'; status?: number }
  | { kind: 'bad-request'; description: string }
  /** Close the socket without an answer. */
  | { kind: 'drop' };

/** Options of the fake; defaults make one bot with one valid token. */
export interface FakeTelegramOptions {
  token?: string;
  botUsername?: string;
  botId?: number;
  /** Delay before a failed webhook delivery is retried (Telegram backs off; tests need less). */
  webhookRetryMs?: number;
}

/** A running fake; give `apiRoot` to grammy and `token` to the bot. */
export interface FakeTelegram {
  apiRoot: string;
  token: string;
  bot: TgUser;
  /** Everything the bot sent or edited, in order. */
  sent: SentRecord[];
  /** Every Bot API call, with the status it got and when (ms since the epoch). */
  calls: { method: string; status: number; at: number }[];
  /** Webhook POSTs the fake made: the update id and the status the bot answered. */
  webhookDeliveries: { updateId: number; status: number }[];
  /** A user sends a message (entities for @mentions and /commands are added as Telegram does). */
  userSends(input: UserMessageInput): TgUpdate;
  /** Queue a raw update (update_id is assigned). */
  pushUpdate(update: Omit<TgUpdate, 'update_id'>): TgUpdate;
  /** Answer the next `times` calls of `method` (or any method: '*') with a failure. */
  failNext(method: string, failure: InjectedFailure, times?: number): void;
  /** Whether a getUpdates long poll is waiting right now. */
  polling(): boolean;
  /** Updates not yet confirmed by an offset (or a 2xx webhook answer). */
  unconfirmed(): TgUpdate[];
  /** Resolves with the first non-undefined value of `check`, re-evaluated on every change. */
  waitFor<T>(check: () => T | undefined | false): Promise<T>;
  /** Destroy every open connection (long polls included). */
  dropConnections(): void;
  close(): Promise<void>;
}

/** Start a fake Bot API server on a free 127.0.0.1 port. */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = options.token ?? '123456:TEST-token';
  const waiter = changeWaiter();
  const state = new TelegramState(
    {
      id: options.botId ?? (Number(token.split(':')[0]) || 123456),
      is_bot: true,
      first_name: 'Clawd',
      username: options.botUsername ?? 'clawd_test_bot',
    },
    () => waiter.changed(),
  );
  const failures: { method: string; failure: InjectedFailure }[] = [];
  const calls: FakeTelegram['calls'] = [];
  const sockets = new Set<Socket>();
  const methods = new BotApiMethods(state, waiter);

  const send = (response: ServerResponse, status: number, body: TgResponse) => {
    if (!response.destroyed) sendJson(response, status, body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) {
      const bytes = file[1] === token ? state.fileBytes(decodeURIComponent(file[2]!)) : undefined;
      if (!bytes)
        return send(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      return response.end(bytes);
    }
    const call = /^\/bot([^/]*)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!call) return send(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const body = await readBody(request);
    const method = call[2]!.toLowerCase();
    const record = (status: number) => {
      calls.push({ method: call[2]!, status, at: Date.now() });
      waiter.changed();
    };
    if (call[1] !== token) {
      record(401);
      return send(response, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    const injected = takeFailure(failures, method);
    if (injected) {
      if (injected.kind === 'drop') {
        record(0);
        request.socket.destroy();
        return;
      }
      const error = failureError(injected);
      record(error.errorCode);
      return send(response, error.errorCode, error.toResponse());
    }
    const context: MethodContext = {
      params: readParams(url.searchParams, request.headers['content-type'] ?? '', body),
      // A long poll ends early when its client goes away.
      closed: new Promise<void>((resolve) => response.once('close', resolve)),
    };
    try {
      const result = await methods.call(method, context);
      record(200);
      send(response, 200, { ok: true, result });
    } catch (error) {
      const apiError =
        error instanceof TgApiError
          ? error
          : new TgApiError(500, `Internal Server Error: ${String(error)}`);
      record(apiError.errorCode);
      send(response, apiError.errorCode, apiError.toResponse());
    }
  };

  const http = await listenHttpFake(handle, {
    onError: (response, error) =>
      send(response, 500, { ok: false, error_code: 500, description: String(error) }),
  });
  http.server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const apiRoot = http.url;
  const webhook = state.startWebhookDelivery(options.webhookRetryMs ?? 100);

  return {
    apiRoot,
    token,
    bot: state.bot,
    sent: state.sent,
    calls,
    webhookDeliveries: state.webhookDeliveries,
    userSends: (input) => state.userSends(input),
    pushUpdate: (update) => state.pushUpdate(update),
    failNext: (method, failure, times = 1) => {
      for (let i = 0; i < times; i++) failures.push({ method: method.toLowerCase(), failure });
    },
    polling: () => methods.polling,
    unconfirmed: () => state.pending(),
    // change-waiter checks a tick after each change: by then the request that changed
    // things has finished its bookkeeping (its call log entry is written after the method ran).
    waitFor: (check) => waiter.waitFor(check),
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      webhook.stop();
      state.close();
      for (const socket of sockets) socket.destroy();
      await http.close();
    },
  };
}

function takeFailure(
  failures: { method: string; failure: InjectedFailure }[],
  method: string,
): InjectedFailure | undefined {
  const index = failures.findIndex((entry) => entry.method === method || entry.method === '*');
  if (index < 0) return undefined;
  return failures.splice(index, 1)[0]!.failure;
}

function failureError(failure: Exclude<InjectedFailure, { kind: 'drop' }>): TgApiError {
  switch (failure.kind) {
    case 'rate-limit':
      return tooManyRequests(failure.retryAfterSeconds);
    case 'server-error':
      return new TgApiError(failure.status ?? 502, 'Bad Gateway');
    case 'bad-request':
      return new TgApiError(400, `Bad Request: ${failure.description}`);
  }
}
