// The HTTP plumbing every platform fake needs and none should write again: a node:http
// server on a 127.0.0.1 port, request body readers, a JSON answer, and the platform's side
// of a webhook call. Routes, status codes, error shapes and content types stay in each fake:
// they are the platform's documented wire format, this file only moves bytes.
// (Waiting for what a fake has recorded is change-waiter.ts.)
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answers one request (what it returns is ignored); a throw or rejection goes to `onError`. */
export type HttpFakeHandler = (
  request: IncomingMessage,
  response: ServerResponse,
) => Promise<unknown> | void;

/** How to start a fake's HTTP server. */
export interface HttpFakeOptions {
  /** The port to listen on (a test that restarts a fake on its old port); default any free. */
  port?: number;
  /** Answer a request whose handler failed, in the platform's error shape. */
  onError?: (response: ServerResponse, error: Error) => void;
}

/** A fake's running HTTP server. */
export interface HttpFakeServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  port: number;
  /** The node:http server, for fakes that also take WebSocket upgrades. */
  server: Server;
  /** Stop listening and end every open socket, keep-alive and long polls included. */
  close: () => Promise<void>;
}

/** A plain 500 for a fake that has no error shape of its own. */
function plainServerError(response: ServerResponse, error: Error): void {
  if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
  response.end(error.message);
}

/** Listen on 127.0.0.1 (only loopback traffic in tests) and serve `handle`. */
export async function listenHttpFake(
  handle: HttpFakeHandler,
  options: HttpFakeOptions = {},
): Promise<HttpFakeServer> {
  const onError = options.onError ?? plainServerError;
  const server = createServer((request, response) => {
    // The executor runs `handle` now; a synchronous throw becomes a rejection like any other.
    new Promise((resolve) => resolve(handle(request, response))).catch((error: Error) =>
      onError(response, error),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    // server.close alone waits for keep-alive sockets an SDK holds open (and for a long
    // poll to time out), which would hold a test's teardown for seconds.
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The whole request body. */
export async function readBody(request: IncomingMessage): Promise<Buffer<ArrayBuffer>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The request body as UTF-8 text. */
export async function readText(request: IncomingMessage): Promise<string> {
  return (await readBody(request)).toString('utf8');
}

/**
 * The request body parsed as JSON; throws on a body that is not JSON. An empty body is not
 * JSON either, unless the platform treats it as `empty` (then that is returned).
 */
export async function readJson<T = unknown>(
  request: IncomingMessage,
  options: { empty?: T } = {},
): Promise<T> {
  const text = await readText(request);
  if (text === '' && options.empty !== undefined) return options.empty;
  return JSON.parse(text) as T;
}

/** The request body as an application/x-www-form-urlencoded form. */
export async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams(await readText(request));
}

/** Answer `body` as JSON; `headers` add to (or replace) `content-type: application/json`. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** What the bot's endpoint answered a webhook call. */
export interface WebhookAnswer {
  status: number;
  body: string;
}

/** POST `body` to a bot's webhook endpoint as the platform does, with its headers. */
export async function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<WebhookAnswer> {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: await response.text() };
}
