// The browser's network guard: Chromium is started with this process as its only proxy, so
// every connection it makes (navigations, each redirect hop, subresources, fetch/XHR,
// WebSockets, service workers) is vetted by web_fetch's rule and resolver (vetUrl) and pinned
// to the vetted addresses. Playwright's context.route cannot do this: it is not called for
// redirect hops. If the worker dies the proxy goes with it and the browser has no network at
// all until a worker takes it over: the guard fails closed.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { vetUrl, type Resolver } from './net-guard.js';
import { ToolError } from './tool.js';

/** A connection the guard refused, as the browser tool reports it. */
export interface BlockedRequest {
  url: string;
  reason: string;
}

/** What the proxy needs: the allow-list (read per request, so config edits apply) and a sink for refusals. */
export interface GuardProxyOptions {
  allowHosts: () => readonly string[];
  onBlocked: (blocked: BlockedRequest) => void;
  /** Listen on this port (a restarted worker takes over the port its browser was given). */
  port?: number;
  resolve?: Resolver;
}

/** A running guard proxy. */
export interface GuardProxy {
  port: number;
  close(): Promise<void>;
}

/** Vet a URL; the refusal's text when it is blocked (or unresolvable), undefined when it may go. */
async function vet(url: URL, options: GuardProxyOptions) {
  try {
    const target = await vetUrl(url, {
      allowHosts: options.allowHosts(),
      ...(options.resolve ? { resolve: options.resolve } : {}),
    });
    return { target };
  } catch (error) {
    const reason = error instanceof ToolError ? error.message : (error as Error).message;
    // Only a verdict of the guard is a refusal to report; a name that does not resolve is not.
    const refused = error instanceof ToolError && error.code === 'URL_BLOCKED';
    return { reason, refused };
  }
}

function refuse(socket: Duplex, status: string, reason: string) {
  const body = `ClawdBot refused this connection: ${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

async function forwardHttp(
  incoming: IncomingMessage,
  socket: Duplex,
  options: GuardProxyOptions,
  respond: (status: number, headers: Record<string, string>, body: string) => void,
  pipeResponse: (response: IncomingMessage) => void,
) {
  let url: URL;
  try {
    url = new URL(incoming.url ?? '');
  } catch {
    return respond(400, {}, 'A proxy request needs an absolute URL.\n');
  }
  if (url.protocol !== 'http:') return respond(400, {}, `Unsupported scheme ${url.protocol}\n`);
  const { target, reason, refused } = await vet(url, options);
  if (!target) {
    if (refused) options.onBlocked({ url: url.href, reason: reason ?? 'refused' });
    return respond(
      403,
      { 'content-type': 'text/plain; charset=utf-8' },
      `ClawdBot refused: ${reason}\n`,
    );
  }
  const first = target.addresses[0]!;
  const headers = { ...incoming.headers };
  delete headers['proxy-connection'];
  delete headers['proxy-authorization'];
  const upstream = httpRequest({
    host: first.address,
    family: first.family,
    port: url.port || 80,
    method: incoming.method,
    path: `${url.pathname}${url.search}`,
    headers,
    // The Host header carries the name; the connection goes to the vetted address only.
    setHost: false,
  });
  upstream.on('response', pipeResponse);
  upstream.on('error', (error) => {
    if (!socket.destroyed) respond(502, {}, `Upstream error: ${error.message}\n`);
  });
  incoming.pipe(upstream);
}

async function tunnel(
  incoming: IncomingMessage,
  client: Duplex,
  head: Buffer,
  options: GuardProxyOptions,
) {
  // CONNECT host:port: https and wss. The scheme does not change the verdict, only the host.
  let url: URL;
  try {
    url = new URL(`https://${incoming.url ?? ''}`);
  } catch {
    return refuse(client, '400 Bad Request', 'malformed CONNECT target');
  }
  const { target, reason, refused } = await vet(url, options);
  if (!target) {
    if (refused) options.onBlocked({ url: url.origin, reason: reason ?? 'refused' });
    return refuse(client, '403 Forbidden', reason ?? 'refused');
  }
  const first = target.addresses[0]!;
  const upstream: Socket = connect({
    host: first.address,
    family: first.family,
    port: Number(url.port || 443),
  });
  upstream.once('connect', () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', () => {
    if (!client.destroyed) refuse(client, '502 Bad Gateway', 'the upstream connection failed');
  });
  client.on('error', () => upstream.destroy());
  client.on('close', () => upstream.destroy());
}

/** Start the guard proxy on 127.0.0.1. */
export async function startGuardProxy(options: GuardProxyOptions): Promise<GuardProxy> {
  const sockets = new Set<Duplex>();
  const server: Server = createServer((incoming, response) => {
    void forwardHttp(
      incoming,
      incoming.socket,
      options,
      (status, headers, body) => {
        if (!response.headersSent) response.writeHead(status, headers);
        response.end(body);
      },
      (upstream) => {
        response.writeHead(upstream.statusCode ?? 502, upstream.headers);
        upstream.pipe(response);
      },
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (incoming: IncomingMessage, client: Duplex, head: Buffer) => {
    void tunnel(incoming, client, head, options);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
