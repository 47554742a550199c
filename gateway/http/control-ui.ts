/**
 * The Control UI at `/`: the single-page app built from web/src into web/dist by
 * scripts/build-web.mjs (run by `npm start`'s and `npm test`'s set-up). No auth on these
 * files: they hold no data, and the app authenticates on the WebSocket like any client.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { packageRoot } from '../../core/paths.js';

const assets = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

// Views render model output as text nodes through Lit; the policy is a second line of
// defence. Lit's styles are constructed style sheets (not inline <style>), which
// `style-src 'self'` allows; `frame-src 'self'` lets the Canvas view embed /canvas-viewer.
const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
    "connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; " +
    "frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  // The page may carry ?token=...; it must not leak to other sites.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

const notBuilt =
  'The Control UI is not built. Run `node scripts/build-web.mjs` (npm start and npm test ' +
  'do it for you), then reload. The plain WebChat is at /webchat.';

/** Serve the built Control UI from `distDir` (default: this checkout's web/dist). */
export function controlUiRoutes(distDir = join(packageRoot, 'web', 'dist')): FastifyPluginAsync {
  return (app) => {
    // Read on first use, then kept: a gateway started before the build still serves the
    // app once it exists, and a built app stays off the disk afterwards.
    const cache = new Map<string, Buffer>();
    for (const [path, asset] of Object.entries(assets)) {
      app.get(path, async (_request, reply) => {
        let body = cache.get(asset.file);
        if (!body) {
          try {
            body = await readFile(join(distDir, asset.file));
          } catch {
            return reply.code(503).type('text/plain; charset=utf-8').send(notBuilt);
          }
          cache.set(asset.file, body);
        }
        return reply.headers(securityHeaders).type(asset.type).send(body);
      });
    }
    return Promise.resolve();
  };
}
