/**
 * Plugin HTTP routes, each at `/plugins/<plugin id><path>` on the gateway's port, so a
 * plugin cannot shadow the gateway's own routes or another plugin's. Gateway auth applies
 * unless the route is a `webhook` (it checks its caller itself); every route gets the raw
 * body bytes, so a webhook can verify a signature over exactly what was sent.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../core/config/schema.js';
import type { PluginRegistry } from '../../core/plugins/registry.js';
import type { PluginHttpRequest } from '../../core/plugins/types.js';
import { bearerAuth } from './auth.js';

/** A fastify plugin serving every registered plugin route; `agent` lets routes start turns. */
export function pluginHttpRoutes(
  registry: PluginRegistry,
  config: () => Config,
  agent?: PluginHttpRequest['agent'],
) {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app: FastifyInstance) => {
    // Raw bytes for every content type, in this encapsulated context only.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    const auth = bearerAuth(config, 'clawdbot');
    for (const { path, route } of registry.httpRoutes) {
      app.route({
        method: route.method,
        url: path,
        ...(route.auth === 'webhook' ? {} : { onRequest: auth }),
        handler: async (request, reply) => {
          const [, search = ''] = request.url.split('?', 2) as [string, string?];
          const result: Awaited<ReturnType<typeof route.handler>> = await route
            .handler({
              headers: request.headers,
              rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
              query: Object.fromEntries(new URLSearchParams(search)),
              ...(agent ? { agent } : {}),
            })
            .catch((error: Error) => ({ status: 500, body: { error: error.message } }));
          reply.code(result.status);
          if (result.headers) reply.headers(result.headers);
          return reply.send(result.body ?? '');
        },
      });
    }
  };
}
