// A fake WhatsApp Cloud API (Graph API) on 127.0.0.1, keeping to Meta's documented wire
// format: bearer access token (else 401 with OAuthException code 190), paths under
// /{version}/: GET /{phone-number-id} (verified_name, display_phone_number),
// POST /{phone-number-id}/messages (messaging_product "whatsapp", `to`, `type` and the
// object of that type; `context.message_id` quotes; a `status: "read"` body is a read
// receipt, optionally with typing_indicator; text body at most 4096 characters; answer
// `{ messaging_product, contacts: [{ input, wa_id }], messages: [{ id: "wamid..." }] }`),
// POST /{phone-number-id}/media (multipart: messaging_product, type, file → `{ id }`),
// GET /{media-id} (→ url, mime_type, sha256, file_size, id) and the media URL itself,
// which also needs the bearer token. Errors are `{ error: { message, type, code,
// error_data: { messaging_product, details }, fbtrace_id } }`.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { changeWaiter } from '../change-waiter.js';
import { listenHttpFake, readBody, readJson, sendJson } from '../http-fake.js';

/** A message the bot sent. */
export interface WhatsAppSent {
  id: string;
  to: string;
  type: string;
  /** The whole request body (text, image, document...). */
  body: Record<string, unknown> & {
    text?: { body: string };
    context?: { message_id: string };
  };
  at: number;
}

/** An uploaded or received media object. */
export interface WhatsAppMedia {
  id: string;
  bytes: Buffer;
  mimeType: string;
  fileName?: string;
}

/** Every API call, for assertions on what the client did. */
export interface WhatsAppCall {
  method: string;
  path: string;
  status: number;
  at: number;
}

/** A running fake. */
export interface FakeWhatsApp {
  /** apiBaseUrl for the channel. */
  url: string;
  accessToken: string;
  phoneNumberId: string;
  apiVersion: string;
  sent: WhatsAppSent[];
  calls: WhatsAppCall[];
  /** Media uploaded by the bot, by id. */
  uploads: Map<string, WhatsAppMedia>;
  /** Read receipts (with typing) the bot sent, by message id. */
  readReceipts: string[];
  /** Media a user sent: the webhook carries its id; the bot downloads it by that id. */
  addUserMedia(bytes: Buffer, mimeType: string): string;
  /** The next send answers this Graph error (a send that did not happen). */
  failNextSend(status: number, code: number, message: string): void;
  waitFor<T>(check: () => T | undefined | false): Promise<T>;
  close(): Promise<void>;
}

/** Start the fake on a free port. */
export async function startFakeWhatsApp(
  options: { accessToken?: string; phoneNumberId?: string; apiVersion?: string } = {},
): Promise<FakeWhatsApp> {
  const accessToken = options.accessToken ?? `EAAG${randomBytes(24).toString('hex')}`;
  const phoneNumberId = options.phoneNumberId ?? '106540352242922';
  const apiVersion = options.apiVersion ?? 'v23.0';
  const waiter = changeWaiter();
  const sent: WhatsAppSent[] = [];
  const calls: WhatsAppCall[] = [];
  const uploads = new Map<string, WhatsAppMedia>();
  const media = new Map<string, WhatsAppMedia>();
  const readReceipts: string[] = [];
  let sendFailure: { status: number; code: number; message: string } | undefined;
  let url = '';

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const { pathname, searchParams } = new URL(request.url ?? '/', 'http://x');
    const method = request.method ?? 'GET';
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      calls.push({ method, path: pathname, status, at: Date.now() });
      if (Buffer.isBuffer(body)) {
        response.writeHead(status, { 'content-type': 'application/octet-stream', ...headers });
        response.end(body);
      } else {
        sendJson(response, status, body, headers);
      }
      waiter.changed();
    };
    const graphError = (status: number, code: number, message: string, details?: string) =>
      answer(status, {
        error: {
          message: `(#${code}) ${message}`,
          type: 'OAuthException',
          code,
          error_data: { messaging_product: 'whatsapp', details: details ?? message },
          fbtrace_id: randomBytes(8).toString('base64url'),
        },
      });
    if (request.headers.authorization !== `Bearer ${accessToken}`) {
      return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    }
    const download = /^\/download\/([^/]+)$/.exec(pathname);
    if (method === 'GET' && download) {
      const stored = media.get(download[1]!);
      if (!stored) return answer(404, { error: { message: 'not found', code: 100 } });
      return answer(200, stored.bytes, { 'content-type': stored.mimeType });
    }
    const prefix = `/${apiVersion}/`;
    if (!pathname.startsWith(prefix)) {
      return graphError(400, 100, 'Unknown path components', pathname);
    }
    const parts = pathname.slice(prefix.length).split('/');
    if (method === 'GET' && parts.length === 1 && parts[0] === phoneNumberId) {
      return answer(200, {
        verified_name: 'Clawd Test',
        display_phone_number: '+1 555-010-0000',
        id: phoneNumberId,
      });
    }
    if (method === 'GET' && parts.length === 1) {
      const stored = media.get(parts[0]!);
      if (!stored) return graphError(400, 100, 'Invalid parameter', 'unknown media id');
      const asked = searchParams.get('phone_number_id');
      if (asked !== null && asked !== phoneNumberId) {
        return graphError(400, 100, 'Invalid parameter', 'media belongs to another number');
      }
      return answer(200, {
        messaging_product: 'whatsapp',
        url: `${url}/download/${stored.id}`,
        mime_type: stored.mimeType,
        sha256: createHash('sha256').update(stored.bytes).digest('hex'),
        file_size: String(stored.bytes.length),
        id: stored.id,
      });
    }
    if (parts[0] !== phoneNumberId) return graphError(400, 100, 'Invalid parameter', 'unknown id');
    if (method === 'POST' && parts[1] === 'media' && parts.length === 2) {
      const raw = await readBody(request);
      const form = await new Request('http://x', {
        method: 'POST',
        headers: { 'content-type': request.headers['content-type'] ?? '' },
        body: raw,
      })
        .formData()
        .catch(() => undefined);
      const file = form?.get('file');
      if (!form || form.get('messaging_product') !== 'whatsapp' || !(file instanceof File)) {
        return graphError(400, 100, 'Invalid parameter', 'messaging_product and file are required');
      }
      const id = String(Date.now()) + randomBytes(3).readUIntBE(0, 3);
      uploads.set(id, {
        id,
        bytes: Buffer.from(await file.arrayBuffer()),
        mimeType: (form.get('type') as string | null) ?? file.type,
        fileName: file.name,
      });
      return answer(200, { id });
    }
    if (method === 'POST' && parts[1] === 'messages' && parts.length === 2) {
      let body: Record<string, unknown>;
      try {
        body = await readJson<Record<string, unknown>>(request);
      } catch {
        return graphError(400, 100, 'Invalid parameter', 'body is not JSON');
      }
      if (body.messaging_product !== 'whatsapp') {
        return graphError(400, 100, 'Invalid parameter', 'messaging_product must be whatsapp');
      }
      if (body.status === 'read') {
        readReceipts.push(String(body.message_id));
        return answer(200, { success: true });
      }
      const to = typeof body.to === 'string' ? body.to : '';
      const type = typeof body.type === 'string' ? body.type : 'text';
      const content = body[type] as
        { body?: string; id?: string; link?: string; [field: string]: unknown } | undefined;
      if (!to || !content) {
        return graphError(400, 100, 'Invalid parameter', `to and ${type} are required`);
      }
      if (type === 'text' && (content.body ?? '').length > 4096) {
        return graphError(400, 100, 'Invalid parameter', 'text.body is longer than 4096');
      }
      // A reaction names the message and the emoji ("" removes it); a template its approved
      // name and language. Every other non-text type carries media by id or link.
      if (
        type === 'reaction' &&
        (typeof content.message_id !== 'string' || content.emoji === undefined)
      ) {
        return graphError(400, 100, 'Invalid parameter', 'reaction needs message_id and emoji');
      }
      if (type === 'template') {
        const language = content.language as { code?: unknown } | undefined;
        if (typeof content.name !== 'string' || typeof language?.code !== 'string') {
          return graphError(400, 100, 'Invalid parameter', 'template needs name and language.code');
        }
      }
      const carriesMedia = type !== 'text' && type !== 'reaction' && type !== 'template';
      if (carriesMedia && !content.id && !content.link) {
        return graphError(400, 100, 'Invalid parameter', `${type} needs id or link`);
      }
      if (content.id && !uploads.has(content.id)) {
        return graphError(400, 131053, 'Media upload error', 'unknown media id');
      }
      if (sendFailure) {
        const failure = sendFailure;
        sendFailure = undefined;
        return graphError(failure.status, failure.code, failure.message);
      }
      const id = `wamid.${Buffer.from(randomUUID()).toString('base64url')}`;
      sent.push({ id, to, type, body: body, at: Date.now() });
      return answer(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: to, wa_id: to }],
        messages: [{ id }],
      });
    }
    return graphError(400, 100, 'Unsupported request', `${method} ${pathname}`);
  };

  const http = await listenHttpFake(handle, {
    onError: (response, error) =>
      sendJson(response, 500, { error: { message: error.message, code: 1 } }),
  });
  url = http.url;
  return {
    url,
    accessToken,
    phoneNumberId,
    apiVersion,
    sent,
    calls,
    uploads,
    readReceipts,
    addUserMedia(bytes, mimeType) {
      const id = String(Date.now()) + randomBytes(3).readUIntBE(0, 3);
      media.set(id, { id, bytes, mimeType });
      return id;
    },
    failNextSend: (status, code, message) => (sendFailure = { status, code, message }),
    waitFor: (check) => waiter.waitFor(check),
    close: http.close,
  };
}
