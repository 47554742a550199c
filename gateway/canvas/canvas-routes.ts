/**
 * The canvas over HTTP: `/canvas/*` (the folder, with the bridge script in HTML), the
 * viewer page `/canvas-viewer`, and `POST /internal/canvas` where the canvas tool (in a
 * worker, maybe another process) asks the gateway to drive the viewers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import {
  canvasInternalPath,
  canvasRequestSchema,
  type CanvasRequest,
  type CanvasResponse,
} from '../../activities/tools/canvas-request.js';
import type { Config } from '../../core/config/schema.js';
import { ClawdbotError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { packageRoot } from '../../core/paths.js';
import { readCanvasFile, watchCanvasDir } from './canvas-files.js';
import type { CanvasHub } from './canvas-hub.js';
import { renderCanvasSnapshot } from './canvas-snapshot.js';

const assets = {
  '/canvas-viewer': { file: 'canvas-viewer.html', type: 'text/html; charset=utf-8' },
  '/canvas-viewer.js': { file: 'canvas-viewer.js', type: 'text/javascript; charset=utf-8' },
  '/canvas-bridge.js': { file: 'canvas-bridge.js', type: 'text/javascript; charset=utf-8' },
};

const viewerHeaders = {
  // The viewer frames whatever the agent presents; the Control UI may frame the viewer.
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
    "frame-src * data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

// Canvas pages are written by the model: a CSP sandbox gives them an origin of their own
// even when opened directly, so their scripts never reach the gateway's token or API.
const canvasHeaders = {
  'content-security-policy': 'sandbox allow-scripts allow-forms allow-popups allow-modals',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
};

/** How long a viewer has to show a page or run a script. */
const SHOW_TIMEOUT_MS = 15_000;
const EVAL_TIMEOUT_MS = 30_000;
const TEXT_CAP = 20_000;

/** What the canvas routes need. */
export interface CanvasRouteDeps {
  hub: CanvasHub;
  canvasDir: string;
  config: () => Config;
  /** Whether a worker's request carries the gateway's token or password. */
  authorized: (request: IncomingMessage) => boolean;
  logger?: Logger;
}

function isCanvasPath(target: string): boolean {
  return target.startsWith('/canvas/');
}

/** A canvas path or an http(s) URL, from what the model gave. */
function normalizeTarget(target: string): string {
  if (isCanvasPath(target)) return target;
  if (/^https?:\/\//i.test(target)) return new URL(target).toString();
  if (/^[\w-]+(\.html?)?$/.test(target))
    return `/canvas/${/\.html?$/.test(target) ? target : `${target}.html`}`;
  throw new ClawdbotError(
    'INVALID_REQUEST',
    `"${target}" is neither a canvas path (/canvas/...) nor an http(s) URL.`,
  );
}

function outcomeText(outcome: { error?: string }): string {
  return outcome.error ?? 'The viewer failed.';
}

/** Serve the canvas and take the canvas tool's requests. */
export function canvasRoutes(deps: CanvasRouteDeps): FastifyPluginAsync {
  return async (app) => {
    const { hub, canvasDir } = deps;
    mkdirSync(canvasDir, { recursive: true });
    const watcher = watchCanvasDir(canvasDir, (files) => hub.notifyChanged(files));
    app.addHook('preClose', (done) => {
      watcher.close();
      hub.close();
      done();
    });

    for (const [path, asset] of Object.entries(assets)) {
      const body = await readFile(join(packageRoot, 'web', asset.file));
      app.get(path, (_request, reply) => reply.headers(viewerHeaders).type(asset.type).send(body));
    }

    app.get('/canvas/*', async (request, reply) => {
      const rest = (request.params as { '*': string })['*'];
      const file = await readCanvasFile(canvasDir, rest === '' ? 'index.html' : rest);
      if (!file) return reply.code(404).type('text/plain').send('Not found');
      return reply.headers(canvasHeaders).type(file.contentType).send(file.body);
    });

    const perform = async (request: CanvasRequest, origin: string): Promise<CanvasResponse> => {
      switch (request.action) {
        case 'present':
        case 'navigate': {
          let target: string;
          if (request.action === 'navigate') target = normalizeTarget(request.target);
          else if (request.html !== undefined) {
            writeFileSync(join(canvasDir, `${request.file}.html`), request.html);
            target = `/canvas/${request.file}.html`;
          } else if (request.url !== undefined) target = normalizeTarget(request.url);
          else throw new ClawdbotError('INVALID_REQUEST', 'present needs html or url.');
          const outcome = await hub.command('show', { target }, SHOW_TIMEOUT_MS);
          if (!outcome.ok) return { text: outcomeText(outcome), isError: true };
          hub.setState({ visible: true, target });
          return { text: `The canvas viewers show ${target}.`, isError: false };
        }
        case 'hide': {
          const outcome = await hub.command('hide', {}, SHOW_TIMEOUT_MS);
          hub.setState({ visible: false });
          return outcome.ok
            ? { text: 'The canvas is hidden.', isError: false }
            : { text: outcomeText(outcome), isError: true };
        }
        case 'eval': {
          const target = hub.state.visible ? hub.state.target : undefined;
          if (target === undefined || !isCanvasPath(target))
            return {
              text: 'eval runs in a canvas page (/canvas/...): present one first. Pages of other sites cannot be scripted from the canvas.',
              isError: true,
            };
          const outcome = await hub.command('eval', { script: request.script }, EVAL_TIMEOUT_MS);
          if (!outcome.ok) return { text: `eval failed: ${outcomeText(outcome)}`, isError: true };
          const value = JSON.stringify(outcome.value ?? null) ?? 'null';
          return { text: value.slice(0, TEXT_CAP), isError: false };
        }
        case 'snapshot': {
          const target = hub.state.visible ? hub.state.target : undefined;
          if (target === undefined)
            return { text: 'The canvas shows nothing: present a page first.', isError: true };
          if (!isCanvasPath(target))
            return {
              text: `The canvas shows ${target}, another site: use the browser tool to look at it.`,
              isError: true,
            };
          const png = await renderCanvasSnapshot({
            url: `${origin}${target}`,
            executablePath: deps.config().browser.executablePath,
          });
          return {
            text: `Snapshot of ${target} (PNG, ${png.length} bytes).`,
            isError: false,
            png: png.toString('base64'),
          };
        }
      }
    };

    app.post(canvasInternalPath, async (request, reply) => {
      if (!deps.authorized(request.raw))
        return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'Unauthorized' } });
      const parsed = canvasRequestSchema.safeParse(request.body);
      if (!parsed.success)
        return reply
          .code(400)
          .send({ error: { code: 'INVALID_REQUEST', message: parsed.error.message } });
      const socket = request.raw.socket;
      const host = socket.localFamily === 'IPv6' ? `[${socket.localAddress}]` : socket.localAddress;
      try {
        return await perform(parsed.data, `http://${host}:${socket.localPort}`);
      } catch (error) {
        // No viewer or a bad target is the model's to read; anything else is worth a log line.
        if (!(error instanceof ClawdbotError))
          deps.logger?.warn(`canvas ${parsed.data.action} failed: ${String(error)}`);
        const message = error instanceof Error ? error.message : String(error);
        return { text: `canvas ${parsed.data.action} failed: ${message}`, isError: true };
      }
    });
  };
}
