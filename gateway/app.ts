import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../core/config/schema.js';
import type { EventBus } from '../core/events/types.js';
import type { HealthReport } from '../core/health.js';
import type { Logger } from '../core/logger.js';
import type { StatePaths } from '../core/paths.js';
import type { SessionStore } from '../core/sessions/index.js';
import type { AgentService } from '../core/agent/agent-service.js';
import type { PluginRegistry } from '../core/plugins/registry.js';
import type { SessionEndInput } from '../core/plugins/session-end.js';
import { pluginHttpRoutes } from './http/plugin-routes.js';
import { createEventIngest, eventIngestPath } from './events/ingest.js';
import { healthRoutes } from './http/health.js';
import { httpApiRoutes } from './http/index.js';
import { attachWebhookRoutes, type WebhookRouteTable } from './http/channel-routes.js';
import type { ChannelControl, OutboundChannels } from './methods/index.js';
import { CanvasHub } from './canvas/canvas-hub.js';
import { canvasRoutes } from './canvas/canvas-routes.js';
import { verifyBearer } from './ws/auth.js';
import type { GatewayNodes } from './nodes/gateway-nodes.js';
import type { WsOptions } from './ws/options.js';
import { attachWsGateway, type WsGateway } from './ws/server.js';

/** What the gateway needs from the rest of the process. */
export interface GatewayDeps {
  config: Config;
  /** Live health of gateway, worker and Temporal. */
  health: () => Promise<HealthReport>;
  /** The agent runtime; without it chat/agent methods answer UNAVAILABLE. */
  agent?: AgentService;
  /** Run events from the worker, streamed to clients as `agent`/`chat` events. */
  bus?: EventBus;
  /** Sessions index and transcripts, for the sessions.* methods. */
  store?: SessionStore;
  /** State dir layout: `configFile` is what config.get/config.patch read and write. */
  paths?: StatePaths;
  /** Outbound delivery for the `send` method; without it `send` answers UNAVAILABLE. */
  channels?: OutboundChannels;
  /** The channel manager: channels.status/logout and pairing.*; without it they answer UNAVAILABLE. */
  channelControl?: ChannelControl;
  /** Channel webhook routes, added while the gateway listens. */
  webhooks?: WebhookRouteTable;
  logger?: Logger;
  /** Environment whose overrides apply to a patched config (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Called after config.patch installed a new, validated config. */
  onConfigChange?: (config: Config) => void;
  /** Node pairing and connections (default: made from `paths.stateDir`); the runtime shares it with its node activity. */
  nodes?: GatewayNodes;
  /** Loaded plugins: their methods, HTTP routes under /plugins/<id>/, and plugins.list. */
  plugins?: PluginRegistry;
  /** Called after `sessions.reset` ended a session (starts the plugins' session_end hooks). */
  sessionEnded?: (input: SessionEndInput) => Promise<void>;
  /** WebSocket limits and intervals (tests shorten them). */
  ws?: Partial<WsOptions>;
  /** Canvas viewers (made by buildGatewayApp when `paths` is set). */
  canvas?: CanvasHub;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The WebSocket gateway: broadcast events, or shut down with a restart hint. */
    wsGateway: WsGateway;
  }
}

/** Build the gateway's fastify app without listening, so tests can drive it. */
export async function buildGatewayApp(options: GatewayDeps): Promise<FastifyInstance> {
  // The canvas lives in the state dir: a gateway built without one has no canvas.
  const deps: GatewayDeps =
    options.paths !== undefined
      ? { ...options, canvas: options.canvas ?? new CanvasHub() }
      : options;
  const app = Fastify({
    logger: false,
    bodyLimit: 512 * 1024,
    // Closing must not wait on idle keep-alive HTTP clients.
    forceCloseConnections: 'idle',
  });
  if (deps.webhooks) attachWebhookRoutes(app, deps.webhooks);
  await app.register(healthRoutes(deps.health));
  const ws = attachWsGateway(app, deps);
  app.decorate('wsGateway', ws);
  // The HTTP API authenticates against the WebSocket's current config (config.patch may change it).
  await app.register(httpApiRoutes(deps, () => ws.config()));
  if (deps.plugins)
    await app.register(pluginHttpRoutes(deps.plugins, () => ws.config(), deps.agent));
  if (deps.canvas !== undefined && deps.paths !== undefined)
    await app.register(
      canvasRoutes({
        hub: deps.canvas,
        canvasDir: join(deps.paths.stateDir, 'canvas'),
        config: () => ws.config(),
        authorized: (request) => verifyBearer(ws.config(), request),
        ...(deps.logger !== undefined ? { logger: deps.logger } : {}),
      }),
    );
  // Workers in other processes publish run events here; they land on the same bus.
  const ingest = deps.bus
    ? createEventIngest(deps.bus, (request) => verifyBearer(ws.config(), request))
    : undefined;
  app.server.on('upgrade', (request, socket, head) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === eventIngestPath) {
      if (ingest) ingest.handleUpgrade(request, socket, head);
      else socket.destroy();
      return;
    }
    ws.handleUpgrade(request, socket, head);
  });
  // preClose, not onClose: fastify waits for open connections before onClose, and a
  // worker's event connection never ends on its own.
  app.addHook('preClose', (done) => {
    ingest?.close();
    done();
  });
  return app;
}
