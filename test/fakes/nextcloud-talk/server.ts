// A fake of the Nextcloud Talk server a webhook bot talks to, on 127.0.0.1, keeping to
// Talk's documented bot API (docs/bots.md of nextcloud/spreed):
//  - POST /ocs/v2.php/apps/spreed/api/v1/bot/{token}/message with OCS-APIRequest: true and
//    X-Nextcloud-Talk-Bot-Random / -Signature = hex HMAC-SHA256(secret, random + message);
//    JSON `{ message, replyTo?, referenceId?, silent? }` → 201, or 400 (empty message, bad
//    replyTo), 401 (signature), 404 (no such conversation / bot not in it), 413 (over 32000);
//  - GET /ocs/v2.php/apps/spreed/api/v4/room/{token} with basic auth → the conversation
//    (`type` 1 one-to-one, 2 group, 3 public);
//  - GET /status.php.
// It also signs webhook events as Talk does (X-Nextcloud-Talk-Signature over random + body,
// X-Nextcloud-Talk-Random, X-Nextcloud-Talk-Backend) and posts them to the bot.
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { changeWaiter } from '../change-waiter.js';
import { listenHttpFake, postWebhook, readJson, sendJson } from '../http-fake.js';
import type { WebhookAnswer } from '../http-fake.js';

/** A message the bot posted. */
export interface TalkSent {
  id: number;
  room: string;
  message: string;
  replyTo?: number;
  referenceId?: string;
}

/** A running fake. */
export interface FakeNextcloudTalk {
  url: string;
  secret: string;
  apiUser: string;
  apiPassword: string;
  sent: TalkSent[];
  /** Every request to the bot message endpoint, with the status it got. */
  sendAttempts: { room: string; status: number }[];
  /** A conversation the bot is enabled in (type 1 one-to-one, 2 group). */
  addRoom(token: string, type: 1 | 2 | 3, name: string): void;
  /** The next message id Talk would give a message. */
  nextMessageId(): number;
  /** POST an event to the bot as Talk does; `badSignature` signs it with another secret. */
  postEvent(
    webhookUrl: string,
    event: unknown,
    options?: { badSignature?: boolean; backend?: string },
  ): Promise<WebhookAnswer>;
  waitFor<T>(check: () => T | undefined | false): Promise<T>;
  close(): Promise<void>;
}

const sign = (secret: string, random: string, text: string) =>
  createHmac('sha256', secret)
    .update(random + text)
    .digest('hex');

/** Start the fake on a free port. */
export async function startFakeNextcloudTalk(): Promise<FakeNextcloudTalk> {
  const waiter = changeWaiter();
  const secret = randomBytes(32).toString('hex');
  const apiUser = 'clawd-helper';
  const apiPassword = randomBytes(12).toString('base64url');
  const rooms = new Map<string, { type: number; name: string }>();
  const sent: TalkSent[] = [];
  const sendAttempts: { room: string; status: number }[] = [];
  let messageIds = 1000;
  let url = '';

  const ocs = (response: ServerResponse, status: number, data: unknown, message = '') => {
    const meta = { status: status < 300 ? 'ok' : 'failure', statuscode: status, message };
    sendJson(
      response,
      status,
      { ocs: { meta, data } },
      { 'content-type': 'application/json; charset=utf-8' },
    );
    waiter.changed();
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const { pathname } = new URL(request.url ?? '/', 'http://x');
    const method = request.method ?? 'GET';
    if (method === 'GET' && pathname === '/status.php') {
      return sendJson(response, 200, {
        installed: true,
        maintenance: false,
        version: '31.0.0.18',
      });
    }
    if (pathname.startsWith('/ocs/') && request.headers['ocs-apirequest'] !== 'true') {
      // Nextcloud's CSRF check for OCS requests without the header.
      return ocs(response, 412, [], 'CSRF check failed');
    }
    const botSend = /^\/ocs\/v2\.php\/apps\/spreed\/api\/v1\/bot\/([^/]+)\/message$/.exec(pathname);
    if (method === 'POST' && botSend) {
      const room = decodeURIComponent(botSend[1]!);
      type Body = { message?: unknown; replyTo?: unknown; referenceId?: unknown };
      const body = await readJson<Body>(request).catch((): Body => ({}));
      const message = typeof body.message === 'string' ? body.message : '';
      const random = String(request.headers['x-nextcloud-talk-bot-random'] ?? '');
      const signature = String(request.headers['x-nextcloud-talk-bot-signature'] ?? '');
      const status = (() => {
        if (!random || signature.toLowerCase() !== sign(secret, random, message)) return 401;
        if (!rooms.has(room)) return 404;
        if (message.trim() === '') return 400;
        if (message.length > 32000) return 413;
        if (body.replyTo !== undefined && !Number.isInteger(body.replyTo)) return 400;
        return 201;
      })();
      sendAttempts.push({ room, status });
      if (status !== 201) return ocs(response, status, []);
      sent.push({
        id: ++messageIds,
        room,
        message,
        ...(typeof body.replyTo === 'number' ? { replyTo: body.replyTo } : {}),
        ...(typeof body.referenceId === 'string' ? { referenceId: body.referenceId } : {}),
      });
      return ocs(response, 201, []);
    }
    const roomGet = /^\/ocs\/v2\.php\/apps\/spreed\/api\/v4\/room\/([^/]+)$/.exec(pathname);
    if (method === 'GET' && roomGet) {
      const expected = `Basic ${Buffer.from(`${apiUser}:${apiPassword}`).toString('base64')}`;
      if (request.headers.authorization !== expected) return ocs(response, 401, [], 'Unauthorised');
      const room = rooms.get(decodeURIComponent(roomGet[1]!));
      if (!room) return ocs(response, 404, []);
      return ocs(response, 200, {
        token: roomGet[1],
        type: room.type,
        name: room.name,
        displayName: room.name,
      });
    }
    return ocs(response, 404, [], `${method} ${pathname}`);
  };

  const http = await listenHttpFake(handle, {
    onError: (response, error) => ocs(response, 500, [], error.message),
  });
  url = http.url;
  return {
    url,
    secret,
    apiUser,
    apiPassword,
    sent,
    sendAttempts,
    addRoom: (token, type, name) => void rooms.set(token, { type, name }),
    nextMessageId: () => ++messageIds,
    postEvent(webhookUrl, event, options = {}) {
      const body = JSON.stringify(event);
      const random = randomBytes(32).toString('hex');
      const key = options.badSignature ? randomBytes(32).toString('hex') : secret;
      return postWebhook(webhookUrl, body, {
        'content-type': 'application/json',
        'x-nextcloud-talk-random': random,
        'x-nextcloud-talk-signature': sign(key, random, body),
        'x-nextcloud-talk-backend': options.backend ?? `${url}/`,
      });
    },
    waitFor: (check) => waiter.waitFor(check),
    close: http.close,
  };
}
