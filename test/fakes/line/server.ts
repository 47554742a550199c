// A fake LINE Messaging API on 127.0.0.1, keeping to the documented wire format: bearer
// channel access token (401 otherwise), POST /v2/bot/message/reply (a reply token works
// once; at most 5 messages; text at most 5000 characters), POST /v2/bot/message/push with
// X-Line-Retry-Key (a UUID; a key seen before answers 409 with
// x-line-accepted-request-id), GET /v2/bot/info, GET /v2/bot/profile/{userId},
// GET /v2/bot/message/{messageId}/content (the data host, served here too) and
// POST /v2/bot/chat/loading/start. Error bodies are `{ message, details? }`.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { changeWaiter } from '../change-waiter.js';
import { listenHttpFake, readJson, sendJson } from '../http-fake.js';

/** A message the bot sent, with how it went out. */
export interface LineSent {
  via: 'reply' | 'push';
  to?: string;
  replyToken?: string;
  retryKey?: string;
  message: Record<string, unknown> & { type: string; text?: string; quoteToken?: string };
  at: number;
}

/** Every API call, for assertions on what the client did. */
export interface LineCall {
  method: string;
  path: string;
  status: number;
  retryKey?: string;
  at: number;
}

/** A running fake. */
export interface FakeLine {
  /** Base URL for the SDK clients (apiBaseUrl). */
  url: string;
  channelAccessToken: string;
  sent: LineSent[];
  calls: LineCall[];
  /** A reply token the platform issued (in a webhook event) becomes usable for a reply. */
  issueReplyToken(token: string): void;
  /** Make every issued reply token expired (as after a minute). */
  expireReplyTokens(): void;
  /** Message content (image bytes) the content endpoint serves. */
  setContent(messageId: string, bytes: Buffer, contentType: string): void;
  /** The next push is accepted (recorded) but answered with this status, as a lost answer. */
  acceptNextPushThenFail(status: number): void;
  waitFor<T>(check: () => T | undefined | false): Promise<T>;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Start the fake on a free port. */
export async function startFakeLine(
  options: { channelAccessToken?: string } = {},
): Promise<FakeLine> {
  const channelAccessToken = options.channelAccessToken ?? `line-token-${randomUUID()}`;
  const waiter = changeWaiter();
  const sent: LineSent[] = [];
  const calls: LineCall[] = [];
  const replyTokens = new Map<string, 'fresh' | 'used' | 'expired'>();
  const retryKeys = new Map<string, string>();
  const contents = new Map<string, { bytes: Buffer; contentType: string }>();
  let pushFailure: number | undefined;

  const readBody = (request: IncomingMessage) =>
    readJson<Record<string, unknown>>(request, { empty: {} });
  const invalidMessages = (messages: unknown): string | undefined => {
    if (!Array.isArray(messages) || messages.length === 0) return 'messages must not be empty';
    if (messages.length > 5) return 'Size must be between 1 and 5';
    for (const message of messages as { type?: string; text?: string }[]) {
      if (message.type === 'text' && (message.text ?? '').length > 5000) {
        return 'Length must be between 0 and 5000';
      }
    }
    return undefined;
  };
  const record = (message: Omit<LineSent, 'at'>) => {
    sent.push({ ...message, at: Date.now() });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const method = request.method ?? 'GET';
    const retryKey = request.headers['x-line-retry-key'] as string | undefined;
    const answer = (status: number, body: unknown, headers = {}) => {
      calls.push({ method, path, status, ...(retryKey ? { retryKey } : {}), at: Date.now() });
      sendJson(response, status, body, headers);
      waiter.changed();
    };
    if (request.headers.authorization !== `Bearer ${channelAccessToken}`) {
      return answer(401, {
        message:
          'Authentication failed. Confirm that the access token in the authorization header is valid.',
      });
    }
    if (method === 'GET' && path === '/v2/bot/info') {
      return answer(200, {
        userId: 'U0000000000000000000000000000bot',
        basicId: '@clawd',
        displayName: 'Clawd',
        chatMode: 'bot',
        markAsReadMode: 'auto',
      });
    }
    const profile = /^\/v2\/bot\/profile\/([^/]+)$/.exec(path);
    if (method === 'GET' && profile) {
      return answer(200, { userId: profile[1], displayName: `User ${profile[1]!.slice(-4)}` });
    }
    const content = /^\/v2\/bot\/message\/([^/]+)\/content$/.exec(path);
    if (method === 'GET' && content) {
      const stored = contents.get(content[1]!);
      if (!stored) return answer(404, { message: 'Not found' });
      calls.push({ method, path, status: 200, at: Date.now() });
      response.writeHead(200, { 'content-type': stored.contentType });
      response.end(stored.bytes);
      return;
    }
    if (method === 'POST' && path === '/v2/bot/chat/loading/start') {
      await readBody(request);
      return answer(202, {});
    }
    if (method === 'POST' && path === '/v2/bot/message/reply') {
      const body = await readBody(request);
      const token = typeof body.replyToken === 'string' ? body.replyToken : '';
      const state = replyTokens.get(token);
      if (state !== 'fresh') return answer(400, { message: 'Invalid reply token' });
      const problem = invalidMessages(body.messages);
      if (problem)
        return answer(400, {
          message: 'The request body has 1 error(s)',
          details: [{ message: problem, property: 'messages' }],
        });
      replyTokens.set(token, 'used');
      const messages = body.messages as LineSent['message'][];
      for (const message of messages) record({ via: 'reply', replyToken: token, message });
      return answer(200, {
        sentMessages: messages.map(() => ({ id: randomUUID(), quoteToken: randomUUID() })),
      });
    }
    if (method === 'POST' && path === '/v2/bot/message/push') {
      const body = await readBody(request);
      if (retryKey !== undefined && !UUID.test(retryKey)) {
        return answer(400, { message: 'The value for the X-Line-Retry-Key header is invalid' });
      }
      if (retryKey !== undefined && retryKeys.has(retryKey)) {
        return answer(
          409,
          { message: 'The retry key is already accepted', sentMessages: [] },
          { 'x-line-accepted-request-id': retryKeys.get(retryKey)! },
        );
      }
      const problem = invalidMessages(body.messages);
      if (problem)
        return answer(400, {
          message: 'The request body has 1 error(s)',
          details: [{ message: problem, property: 'messages' }],
        });
      const requestId = randomUUID();
      if (retryKey !== undefined) retryKeys.set(retryKey, requestId);
      const messages = body.messages as LineSent['message'][];
      for (const message of messages) {
        record({ via: 'push', to: String(body.to), ...(retryKey ? { retryKey } : {}), message });
      }
      if (pushFailure !== undefined) {
        const status = pushFailure;
        pushFailure = undefined;
        return answer(status, { message: 'Internal server error' });
      }
      return answer(
        200,
        { sentMessages: messages.map(() => ({ id: randomUUID(), quoteToken: randomUUID() })) },
        { 'x-line-request-id': requestId },
      );
    }
    return answer(404, { message: 'Not found' });
  };

  const http = await listenHttpFake(handle, {
    onError: (response, error) => sendJson(response, 500, { message: error.message }),
  });
  return {
    url: http.url,
    channelAccessToken,
    sent,
    calls,
    issueReplyToken: (token) => replyTokens.set(token, 'fresh'),
    expireReplyTokens: () => {
      for (const [token, state] of replyTokens)
        if (state === 'fresh') replyTokens.set(token, 'expired');
    },
    setContent: (messageId, bytes, contentType) => contents.set(messageId, { bytes, contentType }),
    acceptNextPushThenFail: (status) => (pushFailure = status),
    waitFor: (check) => waiter.waitFor(check),
    close: http.close,
  };
}
