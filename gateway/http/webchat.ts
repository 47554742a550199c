/**
 * The plain WebChat page at `/webchat` and its two assets, served from web/ (no auth: the
 * page holds no data; it authenticates on the WebSocket like any client). The Control UI
 * at `/` has the same chat and more; this page needs no build step.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { packageRoot } from '../../core/paths.js';

const assets = {
  '/webchat': { file: 'webchat.html', type: 'text/html; charset=utf-8' },
  '/webchat.js': { file: 'webchat.js', type: 'text/javascript; charset=utf-8' },
  '/webchat.css': { file: 'webchat.css', type: 'text/css; charset=utf-8' },
};

// Model output is rendered as text only; the policy is a second line of defence should a
// bug ever put it in markup. `connect-src 'self'` covers the same-origin WebSocket.
const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  // The page may carry ?token=...; it must not leak to other sites.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** Serve the WebChat from `webDir` (default: this checkout's web/). */
export function webChatRoutes(webDir = join(packageRoot, 'web')): FastifyPluginAsync {
  return async (app) => {
    for (const [path, asset] of Object.entries(assets)) {
      // Read once: the files are small and this keeps the request path off the disk.
      const body = await readFile(join(webDir, asset.file));
      app.get(path, (_request, reply) =>
        reply.headers(securityHeaders).type(asset.type).send(body),
      );
    }
  };
}
