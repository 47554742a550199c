// The fake's REST API (v10, under /api/v10) and attachment CDN: the routes discord.js uses to
// log in and send, Discord's error bodies, rate-limit headers, and injected failures.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIAttachment, APIMessage } from 'discord.js';
import { readBody, sendJson } from '../http-fake.js';
import { actionRoute } from './action-routes.js';
import { errorBody, invalidFormBody, messageObject } from './wire.js';
import type { DiscordWorld } from './world.js';

/** A failure the next matching request(s) get instead of the normal answer. */
export interface RestFault {
  /** e.g. 'POST'; any method when omitted. */
  method?: string;
  /** Matched against the path after /api/v10 (e.g. /channels/1/messages); any when omitted. */
  path?: RegExp;
  status: number;
  /** 429 only: seconds to wait (float), sent as retry_after and in Retry-After (rounded up). */
  retryAfter?: number;
  /** 429 only: a global rate limit (X-RateLimit-Global). */
  global?: boolean;
  /** Discord's JSON error code and message for 4xx/5xx. */
  code?: number;
  message?: string;
  /** How many requests get it (default 1). */
  times?: number;
}

/** What the REST side needs from the rest of the fake. */
export interface RestContext {
  world: DiscordWorld;
  token: string;
  baseUrl: string;
  gatewayUrl: string;
  faults: RestFault[];
  /** Real Discord echoes a created message on the gateway (MESSAGE_CREATE). */
  onMessageCreated(message: APIMessage, guildId: string | undefined): void;
}

const MAX_CONTENT = 2000;
const NONCE_TTL_MS = 5 * 60_000;

/** Answer one HTTP request of the fake (REST or CDN). */
export async function handleRest(
  context: RestContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', context.baseUrl);
  const method = req.method ?? 'GET';
  const raw = await readBody(req);
  const file = /^\/attachments\/(\d+)\//.exec(url.pathname);
  if (file && method === 'GET') {
    const stored = context.world.files.get(file[1] ?? '');
    if (!stored) return send(res, 404, errorBody(0, '404: Not Found'));
    res.writeHead(200, { 'content-type': stored.contentType });
    res.end(stored.data);
    return;
  }
  if (!url.pathname.startsWith('/api/v10/')) {
    return send(res, 404, errorBody(0, '404: Not Found'));
  }
  const path = url.pathname.slice('/api/v10'.length);
  const record = (status: number) =>
    context.world.requests.push({ method, path, status, at: Date.now() });

  if (req.headers.authorization !== `Bot ${context.token}`) {
    record(401);
    return send(res, 401, errorBody(0, '401: Unauthorized'));
  }
  const fault = context.faults.find(
    (f) => (f.method ?? method) === method && (f.path?.test(path) ?? true) && (f.times ?? 1) > 0,
  );
  if (fault) {
    fault.times = (fault.times ?? 1) - 1;
    record(fault.status);
    return sendFault(res, fault);
  }
  const answer = await route(context, method, path, req, raw);
  record(answer.status);
  send(res, answer.status, answer.body, answer.status < 300 ? roomyRateLimit(method, path) : {});
}

/** Successful answers carry bucket headers too; the fake's buckets never run out on their own. */
function roomyRateLimit(method: string, path: string): Record<string, string> {
  return {
    'x-ratelimit-limit': '50',
    'x-ratelimit-remaining': '49',
    'x-ratelimit-reset': String(Date.now() / 1000 + 1),
    'x-ratelimit-reset-after': '1',
    'x-ratelimit-bucket': `${method}:${path.replace(/\d{5,}/g, ':id')}`,
  };
}

interface Answer {
  status: number;
  body?: unknown;
}

async function route(
  context: RestContext,
  method: string,
  path: string,
  req: IncomingMessage,
  raw: Buffer,
): Promise<Answer> {
  const { world } = context;
  if (method === 'GET' && path === '/gateway/bot') {
    return {
      status: 200,
      body: {
        url: context.gatewayUrl,
        shards: 1,
        session_start_limit: {
          total: 1000,
          remaining: 999,
          reset_after: 86_400_000,
          max_concurrency: 1,
        },
      },
    };
  }
  if (method === 'GET' && path === '/users/@me') return { status: 200, body: world.bot };
  const action = actionRoute(world, method, path);
  if (action) return action;
  const channelMatch = /^\/channels\/(\d+)(\/.*)?$/.exec(path);
  if (!channelMatch) return { status: 404, body: errorBody(0, '404: Not Found') };
  const channelId = channelMatch[1] ?? '';
  const rest = channelMatch[2] ?? '';
  const channel = world.channels.get(channelId);
  if (!channel) return { status: 404, body: errorBody(10003, 'Unknown Channel') };

  if (method === 'GET' && rest === '') return { status: 200, body: channel };
  if (method === 'POST' && rest === '/typing') {
    world.typing.push({ channelId, at: Date.now() });
    return { status: 204 };
  }
  if (method === 'POST' && rest === '/messages') {
    return createMessage(context, channelId, req, raw);
  }
  const messageMatch = /^\/messages\/(\d+)$/.exec(rest);
  const message = messageMatch ? world.messages.get(messageMatch[1] ?? '') : undefined;
  if (messageMatch && !message) return { status: 404, body: errorBody(10008, 'Unknown Message') };
  if (message && method === 'GET') return { status: 200, body: message };
  if (message && method === 'PATCH') {
    if (message.author.id !== world.bot.id) {
      return {
        status: 403,
        body: errorBody(50005, 'Cannot edit a message authored by another user'),
      };
    }
    const body = JSON.parse(raw.toString('utf8') || '{}') as { content?: string };
    if (typeof body.content === 'string') {
      if (body.content.length > MAX_CONTENT) return tooLong();
      message.content = body.content;
      message.edited_timestamp = new Date().toISOString();
      world.edits.push({ channelId, messageId: message.id, content: body.content });
    }
    return { status: 200, body: message };
  }
  return { status: 405, body: errorBody(0, '405: Method Not Allowed') };
}

/** The JSON body discord.js sends for a new message (inline or as multipart payload_json). */
interface CreateMessageBody {
  content?: string;
  nonce?: string | number;
  enforce_nonce?: boolean;
  message_reference?: { message_id?: string; fail_if_not_exists?: boolean };
}

async function createMessage(
  context: RestContext,
  channelId: string,
  req: IncomingMessage,
  raw: Buffer,
): Promise<Answer> {
  const { world } = context;
  const { body, files } = await parseMessageBody(req, raw);
  const content = body.content ?? '';
  if (content.length > MAX_CONTENT) return tooLong();
  if (content.trim() === '' && files.length === 0) {
    return { status: 400, body: errorBody(50006, 'Cannot send an empty message') };
  }
  // enforce_nonce: the same nonce within a few minutes returns the first message, unchanged.
  const nonceKey = body.nonce === undefined ? undefined : String(body.nonce);
  if (body.enforce_nonce && nonceKey !== undefined) {
    const existing = world.messages.get(world.nonces.get(nonceKey) ?? '');
    if (existing && Date.now() - Date.parse(existing.timestamp) < NONCE_TTL_MS) {
      return { status: 200, body: existing };
    }
  }
  const referenceId = body.message_reference?.message_id;
  const referenced = referenceId ? world.messages.get(referenceId) : undefined;
  if (referenceId && !referenced && body.message_reference?.fail_if_not_exists !== false) {
    return {
      status: 400,
      body: invalidFormBody(
        'message_reference',
        'MESSAGE_REFERENCE_UNKNOWN_MESSAGE',
        'Unknown message',
      ),
    };
  }
  const attachments: APIAttachment[] = [];
  for (const file of files) {
    const data = new Uint8Array(await file.arrayBuffer());
    attachments.push(
      world.addAttachment(context.baseUrl, {
        name: file.name,
        contentType: file.type || 'application/octet-stream',
        data,
      }),
    );
  }
  const message = messageObject({
    id: world.nextId(),
    channelId,
    author: world.bot,
    content,
    mentions: [],
    attachments,
    ...(referenced ? { referenced } : {}),
    ...(body.nonce === undefined ? {} : { nonce: body.nonce }),
  });
  world.messages.set(message.id, message);
  if (body.enforce_nonce && nonceKey !== undefined) world.nonces.set(nonceKey, message.id);
  world.sent.push({
    channelId,
    messageId: message.id,
    content,
    ...(referenced ? { replyTo: referenced.id } : {}),
    files: attachments.map((a) => ({
      name: a.filename,
      contentType: a.content_type ?? '',
      size: a.size,
    })),
    ...(body.nonce === undefined ? {} : { nonce: body.nonce }),
    at: Date.now(),
  });
  context.onMessageCreated(message, world.guildOf(channelId));
  return { status: 200, body: message };
}

/** JSON, or multipart/form-data with payload_json and files[n] (how files are uploaded). */
async function parseMessageBody(
  req: IncomingMessage,
  raw: Buffer,
): Promise<{ body: CreateMessageBody; files: File[] }> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) {
    return { body: JSON.parse(raw.toString('utf8') || '{}') as CreateMessageBody, files: [] };
  }
  const form = await new Request('http://fake.invalid/', {
    method: 'POST',
    headers: { 'content-type': type },
    body: new Uint8Array(raw),
  }).formData();
  const payload = form.get('payload_json');
  const files: File[] = [];
  form.forEach((value, name) => {
    if (/^files\[\d+\]$/.test(name) && typeof value !== 'string') files.push(value);
  });
  return {
    body: typeof payload === 'string' ? (JSON.parse(payload) as CreateMessageBody) : {},
    files,
  };
}

function tooLong(): Answer {
  return {
    status: 400,
    body: invalidFormBody(
      'content',
      'BASE_TYPE_MAX_LENGTH',
      `Must be ${MAX_CONTENT} or fewer in length.`,
    ),
  };
}

/** Discord's 429: JSON {message, retry_after, global} plus Retry-After and X-RateLimit-*. */
function sendFault(res: ServerResponse, fault: RestFault): void {
  if (fault.status !== 429) {
    const message =
      fault.message ?? (fault.status >= 500 ? `${fault.status}: Server Error` : 'Bad Request');
    return send(res, fault.status, errorBody(fault.code ?? 0, message));
  }
  const retryAfter = fault.retryAfter ?? 1;
  const headers: Record<string, string> = {
    'retry-after': String(Math.ceil(retryAfter)),
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(Date.now() / 1000 + retryAfter),
    'x-ratelimit-reset-after': String(retryAfter),
    'x-ratelimit-bucket': 'fake-bucket',
    'x-ratelimit-scope': fault.global ? 'global' : 'user',
    ...(fault.global ? { 'x-ratelimit-global': 'true' } : {}),
  };
  send(
    res,
    429,
    {
      message: 'You are being rate limited.',
      retry_after: retryAfter,
      global: fault.global ?? false,
    },
    headers,
  );
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  sendJson(res, status, body, headers);
}
