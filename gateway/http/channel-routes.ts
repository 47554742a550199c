/**
 * Webhook routes that channels add while the gateway already listens (fastify's own
 * routes are fixed once it listens): one table, consulted by an onRequest hook before
 * fastify's router. A matched route gets the raw body, so it can check signatures over
 * the exact bytes, and bypasses gateway auth (the platform authenticates with its secret).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** A webhook request as a channel sees it. */
export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  query: Record<string, string>;
}

/** A channel's webhook route (the shape of ChannelHttpRoute in channels/types.ts). */
export interface WebhookRoute {
  method: 'POST' | 'GET';
  path: string;
  handler(
    request: WebhookRequest,
  ): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }>;
}

/** Routes registered at run time. */
export interface WebhookRouteTable {
  /** Add a route; false when the method and path are taken. */
  register(route: WebhookRoute): boolean;
  /** Remove a route (an account that stops). */
  unregister(method: string, path: string): void;
  match(method: string, path: string): WebhookRoute | undefined;
}

const maxWebhookBytes = 4 * 1024 * 1024;

/** An empty route table. */
export function createWebhookRouteTable(): WebhookRouteTable {
  const routes = new Map<string, WebhookRoute>();
  const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
  return {
    register(route) {
      const id = key(route.method, route.path);
      if (routes.has(id)) return false;
      routes.set(id, route);
      return true;
    },
    unregister(method, path) {
      routes.delete(key(method, path));
    },
    match: (method, path) => routes.get(key(method, path)),
  };
}

function readRawBody(request: FastifyRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    request.raw.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxWebhookBytes) {
        reject(new Error('webhook body too large'));
        request.raw.destroy();
        return;
      }
      parts.push(chunk);
    });
    request.raw.on('end', () => resolve(Buffer.concat(parts)));
    request.raw.on('error', reject);
  });
}

/** Serve the table's routes on the app (call before it listens). */
export function attachWebhookRoutes(app: FastifyInstance, table: WebhookRouteTable): void {
  app.addHook('onRequest', async (request, reply) => {
    const [path, search = ''] = request.url.split('?', 2) as [string, string?];
    const route = table.match(request.method, path);
    if (!route) return;
    let rawBody: Buffer;
    try {
      rawBody = request.method === 'GET' ? Buffer.alloc(0) : await readRawBody(request);
    } catch (error) {
      return reply.code(413).send({ error: (error as Error).message });
    }
    const result: Awaited<ReturnType<WebhookRoute['handler']>> = await route
      .handler({
        headers: request.headers,
        rawBody,
        query: Object.fromEntries(new URLSearchParams(search)),
      })
      .catch((error: Error) => ({ status: 500, body: { error: error.message } }));
    reply.code(result.status);
    if (result.headers) reply.headers(result.headers);
    return reply.send(result.body ?? '');
  });
}
