/**
 * A fake BlueBubbles server, after its REST API documentation: every call authenticated
 * with `?password=`, answers shaped `{ status, message, data }`. `GET /api/v1/server/info`,
 * `POST /api/v1/message/text` (chatGuid, tempGuid, message, method, selectedMessageGuid),
 * `POST /api/v1/message/attachment` (multipart: attachment, chatGuid, tempGuid, name),
 * `POST /api/v1/message/react`, `GET /api/v1/attachment/:guid/download`. The test plays
 * the people writing: `webhookMessage` builds the `new-message` event the server would
 * post to a registered webhook.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { changeWaiter } from '../change-waiter.js';
import { listenHttpFake, readBody, readJson, sendJson } from '../http-fake.js';

/** One message the bot sent (text or attachment). */
export interface BbSent {
  kind: 'text' | 'attachment';
  chatGuid: string;
  tempGuid: string;
  message?: string;
  method?: string;
  selectedMessageGuid?: string;
  name?: string;
  bytes?: Buffer;
  guid: string;
}

/** The fake and its controls. */
export interface FakeBlueBubbles {
  url: string;
  password: string;
  sent: BbSent[];
  reactions: { chatGuid: string; selectedMessageGuid: string; reaction: string }[];
  /** Requests refused for a wrong password. */
  unauthorized: number;
  /** A `new-message` webhook event from `address` in `chatGuid`. */
  webhookMessage(
    address: string,
    text: string,
    options?: { chatGuid?: string; attachments?: Record<string, unknown>[] },
  ): { type: 'new-message'; data: Record<string, unknown> & { guid: string } };
  /** Keep a received file; returns its attachment description. */
  storeAttachment(bytes: Buffer, mimeType: string, transferName: string): Record<string, unknown>;
  waitFor<T>(check: () => T | undefined | false): Promise<T>;
  close(): Promise<void>;
}

/** Start the fake on a free port. */
export async function startFakeBlueBubbles(): Promise<FakeBlueBubbles> {
  const waiter = changeWaiter();
  const password = 'bb-server-password';
  const sent: BbSent[] = [];
  const reactions: FakeBlueBubbles['reactions'] = [];
  const files = new Map<string, { bytes: Buffer; mimeType: string }>();
  const state = { unauthorized: 0 };

  const reply = (response: ServerResponse, status: number, message: string, data?: unknown) => {
    sendJson(response, status, {
      status,
      message,
      ...(data !== undefined ? { data } : {}),
      ...(status >= 400 ? { error: { type: 'Error', message } } : {}),
    });
    waiter.changed();
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (
      url.searchParams.get('password') !== password &&
      url.searchParams.get('guid') !== password
    ) {
      state.unauthorized++;
      return reply(response, 401, 'Unauthorized');
    }
    const path = url.pathname;
    if (request.method === 'GET' && path === '/api/v1/server/info') {
      return reply(response, 200, 'Successfully fetched server info', {
        os_version: '14.5',
        server_version: '1.9.9',
        private_api: true,
        detected_icloud: 'bot@icloud.com',
      });
    }
    if (request.method === 'POST' && path === '/api/v1/message/text') {
      const body = await readJson<Record<string, string>>(request);
      if (!body.chatGuid || !body.tempGuid || typeof body.message !== 'string') {
        return reply(response, 400, 'chatGuid, tempGuid and message are required');
      }
      const guid = randomUUID().toUpperCase();
      sent.push({
        kind: 'text',
        chatGuid: body.chatGuid,
        tempGuid: body.tempGuid,
        message: body.message,
        ...(body.method ? { method: body.method } : {}),
        ...(body.selectedMessageGuid ? { selectedMessageGuid: body.selectedMessageGuid } : {}),
        guid,
      });
      return reply(response, 200, 'Message sent!', { guid, text: body.message });
    }
    if (request.method === 'POST' && path === '/api/v1/message/attachment') {
      const form = await new Request('http://x', {
        method: 'POST',
        headers: { 'content-type': request.headers['content-type'] ?? '' },
        body: await readBody(request),
      }).formData();
      const file = form.get('attachment');
      const chatGuid = form.get('chatGuid');
      const tempGuid = form.get('tempGuid');
      if (!(file instanceof Blob) || typeof chatGuid !== 'string' || typeof tempGuid !== 'string') {
        return reply(response, 400, 'attachment, chatGuid and tempGuid are required');
      }
      const field = (name: string) => {
        const value = form.get(name);
        return typeof value === 'string' ? value : '';
      };
      const guid = randomUUID().toUpperCase();
      sent.push({
        kind: 'attachment',
        chatGuid,
        tempGuid,
        name: field('name'),
        method: field('method'),
        bytes: Buffer.from(await file.arrayBuffer()),
        guid,
      });
      return reply(response, 200, 'Attachment sent!', { guid });
    }
    if (request.method === 'POST' && path === '/api/v1/message/react') {
      const body = await readJson<Record<string, string>>(request);
      reactions.push({
        chatGuid: body.chatGuid!,
        selectedMessageGuid: body.selectedMessageGuid!,
        reaction: body.reaction!,
      });
      return reply(response, 200, 'Reaction sent!', { guid: randomUUID().toUpperCase() });
    }
    const download = /^\/api\/v1\/attachment\/([^/]+)\/download$/.exec(path);
    if (request.method === 'GET' && download) {
      const file = files.get(decodeURIComponent(download[1]!));
      if (!file) return reply(response, 404, 'Attachment does not exist');
      response.writeHead(200, { 'content-type': file.mimeType });
      response.end(file.bytes);
      return;
    }
    return reply(response, 404, 'Not found');
  };

  const http = await listenHttpFake(handle);

  return {
    url: http.url,
    password,
    sent,
    reactions,
    get unauthorized() {
      return state.unauthorized;
    },
    webhookMessage(address, text, options = {}) {
      const chatGuid = options.chatGuid ?? `iMessage;-;${address}`;
      return {
        type: 'new-message',
        data: {
          originalROWID: Math.floor(Math.random() * 1e6),
          guid: randomUUID().toUpperCase(),
          text,
          handle: { address, country: 'us', service: 'iMessage' },
          handleId: 1,
          isFromMe: false,
          dateCreated: Date.now(),
          attachments: options.attachments ?? [],
          chats: [{ guid: chatGuid, chatIdentifier: chatGuid.split(';')[2], displayName: '' }],
          associatedMessageGuid: null,
          associatedMessageType: null,
          threadOriginatorGuid: null,
        },
      };
    },
    storeAttachment(bytes, mimeType, transferName) {
      const guid = `at_0_${randomUUID().toUpperCase()}`;
      files.set(guid, { bytes, mimeType });
      return { guid, mimeType, transferName, totalBytes: bytes.length, uti: 'public.jpeg' };
    },
    waitFor: (check) => waiter.waitFor(check),
    close: http.close,
  };
}
