// A fake of the Zalo Bot API on 127.0.0.1, keeping to its documented wire format
// (bot.zaloplatforms.com docs): `POST /bot<token>/<method>` with a JSON body, answered
// `{ ok: true, result }` or `{ ok: false, error_code, description }`:
//  - getMe → `{ id, account_name, account_type, can_join_groups }`;
//  - getUpdates `{ timeout: "<seconds>" }` → one update `{ event_name, message }` (no
//    offsets), or error 408 when none came in time;
//  - setWebhook `{ url (https), secret_token (8-256 chars) }`, deleteWebhook, getWebhookInfo;
//  - sendMessage `{ chat_id, text (1-2000 chars) }` → `{ message_id, date }`; sendPhoto
//    `{ chat_id, photo (URL), caption? }`; sendChatAction `{ chat_id, action }`.
// It also posts updates to a bot's webhook as Zalo does (X-Bot-Api-Secret-Token header).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { changeWaiter } from '../change-waiter.js';
import { listenHttpFake, postWebhook, readJson, sendJson } from '../http-fake.js';
import type { WebhookAnswer } from '../http-fake.js';

/** A message a bot sent. */
export interface ZaloSent {
  token: string;
  method: string;
  chatId: string;
  text: string;
  messageId: string;
}

/** One bot known to the fake. */
export interface ZaloBot {
  token: string;
  id: string;
  name: string;
}

/** A running fake. */
export interface FakeZalo {
  url: string;
  sent: ZaloSent[];
  /** Webhooks set per bot token. */
  webhooks: Map<string, { url: string; secret_token: string }>;
  /** Bot tokens that called getUpdates (and how often). */
  polls: Map<string, number>;
  addBot(name: string): ZaloBot;
  /** Queue an update for a bot's next getUpdates. */
  queueUpdate(token: string, update: unknown): void;
  /** POST an update to a webhook as Zalo does, with this secret (or none). */
  postWebhook(url: string, update: unknown, secret: string | undefined): Promise<WebhookAnswer>;
  waitFor<T>(check: () => T | undefined | false): Promise<T>;
  close(): Promise<void>;
}

/** A text message update from a person. */
export function textUpdate(
  chat: { id: string; type: 'PRIVATE' | 'GROUP' },
  from: { id: string; name: string },
  text: string,
  messageId = randomBytes(10).toString('hex'),
) {
  return {
    event_name: 'message.text.received',
    message: {
      from: { id: from.id, display_name: from.name, is_bot: false },
      chat: { id: chat.id, chat_type: chat.type },
      text,
      message_id: messageId,
      date: Date.now(),
    },
  };
}

/** Start the fake on a free port. */
export async function startFakeZalo(): Promise<FakeZalo> {
  const waiter = changeWaiter();
  const bots = new Map<string, ZaloBot>();
  const queues = new Map<string, unknown[]>();
  const webhooks = new Map<string, { url: string; secret_token: string }>();
  const polls = new Map<string, number>();
  const sent: ZaloSent[] = [];
  const waiting = new Set<() => void>();

  const reply = (response: ServerResponse, status: number, body: unknown) => {
    sendJson(response, status, body);
    waiter.changed();
  };
  const ok = (response: ServerResponse, result: unknown) =>
    reply(response, 200, { ok: true, result });
  const fail = (response: ServerResponse, code: number, description: string) =>
    reply(response, code === 408 ? 200 : code, { ok: false, error_code: code, description });
  const send = (
    response: ServerResponse,
    token: string,
    method: string,
    chatId: string,
    text: string,
  ) => {
    const messageId = randomBytes(12).toString('hex');
    sent.push({ token, method, chatId, text, messageId });
    ok(response, { message_id: messageId, date: Date.now() });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(
      new URL(request.url ?? '/', 'http://x').pathname,
    );
    if (request.method !== 'POST' || !match) return fail(response, 404, 'Not Found');
    const token = decodeURIComponent(match[1]!);
    const method = match[2]!;
    const bot = bots.get(token);
    if (!bot) return fail(response, 401, 'Unauthorized');
    let body: Record<string, unknown>;
    try {
      body = await readJson<Record<string, unknown>>(request, { empty: {} });
    } catch {
      return fail(response, 400, 'Bad Request: invalid JSON');
    }
    const chatId = typeof body.chat_id === 'string' ? body.chat_id : '';
    switch (method) {
      case 'getMe':
        return ok(response, {
          id: bot.id,
          account_name: bot.name,
          account_type: 'BASIC',
          can_join_groups: true,
        });
      case 'getUpdates': {
        polls.set(token, (polls.get(token) ?? 0) + 1);
        waiter.changed();
        const seconds = Math.min(Number(body.timeout ?? 30) || 30, 60);
        const queue = queues.get(token) ?? [];
        if (queue.length === 0) {
          await new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              waiting.delete(done);
              resolve();
            };
            const timer = setTimeout(done, seconds * 1000);
            waiting.add(done);
            request.once('close', done);
          });
        }
        const next = queue.shift();
        if (response.destroyed) {
          if (next !== undefined) queue.unshift(next);
          return;
        }
        return next === undefined ? fail(response, 408, 'Request timeout') : ok(response, next);
      }
      case 'setWebhook': {
        const url = typeof body.url === 'string' ? body.url : '';
        const secret = typeof body.secret_token === 'string' ? body.secret_token : '';
        if (!url.startsWith('https://')) return fail(response, 400, 'url must be https');
        if (secret.length < 8 || secret.length > 256) {
          return fail(response, 400, 'secret_token must be 8-256 characters');
        }
        webhooks.set(token, { url, secret_token: secret });
        return ok(response, { url, updated_at: Date.now() });
      }
      case 'deleteWebhook':
        webhooks.delete(token);
        return ok(response, { url: '', updated_at: Date.now() });
      case 'getWebhookInfo':
        return ok(response, { url: webhooks.get(token)?.url ?? '', updated_at: Date.now() });
      case 'sendMessage': {
        const text = typeof body.text === 'string' ? body.text : '';
        if (!chatId) return fail(response, 400, 'chat_id is required');
        if (text.length < 1 || text.length > 2000) {
          return fail(response, 400, 'text must be 1-2000 characters');
        }
        return send(response, token, method, chatId, text);
      }
      case 'sendPhoto':
        if (!chatId || typeof body.photo !== 'string') {
          return fail(response, 400, 'chat_id and photo are required');
        }
        return send(
          response,
          token,
          method,
          chatId,
          [body.caption, body.photo].filter((part) => typeof part === 'string').join(' '),
        );
      case 'sendChatAction':
        return ok(response, true);
      default:
        return fail(response, 404, `Method ${method} not found`);
    }
  };

  const http = await listenHttpFake(handle, {
    onError: (response, error) => fail(response, 500, error.message),
  });
  return {
    url: http.url,
    sent,
    webhooks,
    polls,
    addBot(name) {
      const id = String(1_000_000_000 + bots.size);
      const bot = { token: `${id}:${randomBytes(18).toString('base64url')}`, id, name };
      bots.set(bot.token, bot);
      return bot;
    },
    queueUpdate(token, update) {
      const queue = queues.get(token) ?? [];
      queue.push(update);
      queues.set(token, queue);
      for (const wake of [...waiting]) wake();
    },
    postWebhook: (target, update, secret) =>
      postWebhook(target, JSON.stringify(update), {
        'content-type': 'application/json',
        ...(secret !== undefined ? { 'x-bot-api-secret-token': secret } : {}),
      }),
    waitFor: (check) => waiter.waitFor(check),
    close: () => {
      for (const wake of [...waiting]) wake();
      return http.close();
    },
  };
}
