/**
 * The WebSocket side of the gateway: takes the upgrades the app routes to it (OpenClaw
 * clients connect to `/`), tracks connections, and broadcasts events with one
 * gateway-wide, strictly increasing `seq`.
 */
import type { Duplex } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer } from 'ws';
import type { Config } from '../../core/config/schema.js';
import { createLogger } from '../../core/logger.js';
import {
  GATEWAY_EVENTS,
  PROTOCOL_VERSION,
  type EventFrame,
  type GatewayEventName,
  type HelloOk,
} from '../../core/protocol/index.js';
import { clawdbotVersion } from '../../core/version.js';
import type { GatewayDeps } from '../app.js';
import { startEventHub } from '../events/hub.js';
import { gatewayMethods, type GatewayContext } from '../methods/index.js';
import { CANVAS_CAP } from '../canvas/canvas-hub.js';
import { authorizeNodeConnect } from '../nodes/node-auth.js';
import { createGatewayNodes } from '../nodes/gateway-nodes.js';
import { authModeOf } from './auth.js';
import { Connection, type ConnectionHost } from './connection.js';
import { CloseCode } from './handshake.js';
import { HealthMonitor } from './health-monitor.js';
import { resolveWsOptions } from './options.js';
import { PresenceRegistry } from './presence.js';

/** How the gateway says goodbye. */
export interface ShutdownOptions {
  reason: string;
  /** Set when a restart follows, so clients reconnect after about this long. */
  restartExpectedMs?: number;
}

/** The WebSocket gateway of one app. */
export interface WsGateway {
  /** Take over an HTTP upgrade request (the app routes upgrades by path). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** The current config (config.patch replaces it). */
  config(): Config;
  /** Send an event to every connected client, stamped with the next gateway-wide seq. */
  broadcast(event: GatewayEventName, payload: unknown, withStateVersion?: boolean): void;
  /** Clients past the handshake. */
  connectionCount(): number;
  /** Send `shutdown`, close every socket with 1012, stop timers. Idempotent. */
  shutdown(options: ShutdownOptions): Promise<void>;
}

/** Create the WebSocket gateway of a fastify app (closing the app shuts it down). */
export function attachWsGateway(app: FastifyInstance, deps: GatewayDeps): WsGateway {
  const options = resolveWsOptions(deps.ws);
  const logger = deps.logger ?? createLogger('gateway');
  const startedAt = Date.now();
  let config: Config = deps.config;
  let seq = 0;
  let stopping: Promise<void> | undefined;
  const all = new Set<Connection>();
  const joined = new Set<Connection>();
  const presence = new PresenceRegistry();
  const health = new HealthMonitor(deps.health);
  // Plugin methods follow the built-in ones (the loader refused any that reuse a name).
  const methods = new Map(
    [...gatewayMethods, ...(deps.plugins?.gatewayMethods ?? []).map((each) => each.method)].map(
      (method) => [method.method, method],
    ),
  );
  const stateVersion = () => ({ presence: presence.version, health: health.version });
  // Nodes need a state dir for their pairing file; a gateway built without one has none.
  const nodes =
    deps.nodes ?? (deps.paths !== undefined ? createGatewayNodes(deps.paths.stateDir) : undefined);

  const broadcast: WsGateway['broadcast'] = (event, payload, withStateVersion = false) => {
    seq += 1;
    const frame: EventFrame = { type: 'event', event, payload, seq };
    if (withStateVersion) frame.stateVersion = stateVersion();
    const text = JSON.stringify(frame);
    for (const connection of joined) connection.sendText(text);
  };
  // Presence is the whole list, so a broadcast per join costs O(clients²) in a join storm:
  // changes within presenceCoalesceMs go out as one broadcast of the latest list.
  let presenceTimer: NodeJS.Timeout | undefined;
  let lastPresenceAt = 0;
  const sendPresence = () => {
    presenceTimer = undefined;
    lastPresenceAt = Date.now();
    if (stopping === undefined) broadcast('presence', { presence: presence.list() }, true);
  };
  const broadcastPresence = () => {
    if (presenceTimer !== undefined) return;
    const wait = lastPresenceAt + options.presenceCoalesceMs - Date.now();
    if (wait <= 0) sendPresence();
    else presenceTimer = setTimeout(sendPresence, wait);
  };

  const gateway: GatewayContext = {
    deps,
    startedAt,
    config: () => config,
    setConfig: (next) => {
      config = next;
      deps.onConfigChange?.(next);
    },
    connectionCount: () => joined.size,
    probeHealth: () => health.probe(),
    broadcast: (event, payload) => broadcast(event, payload),
    ...(nodes !== undefined ? { nodes } : {}),
  };

  const host: ConnectionHost = {
    options,
    logger,
    methods,
    gateway,
    config: () => config,
    async hello(connection): Promise<HelloOk> {
      const snapshotHealth = await health.current().catch(() => null);
      const session = connection.session!;
      presence.upsert(
        connection.connId,
        session,
        connection.isLocal ? undefined : connection.remoteAddress,
      );
      const agentId = config.agent.id;
      return {
        type: 'hello-ok',
        protocol: PROTOCOL_VERSION,
        server: { version: clawdbotVersion, host: hostname(), connId: connection.connId },
        features: { methods: [...methods.keys()], events: [...GATEWAY_EVENTS] },
        snapshot: {
          presence: presence.list(),
          health: snapshotHealth,
          stateVersion: stateVersion(),
          uptimeMs: Date.now() - startedAt,
          ...(deps.paths === undefined
            ? {}
            : { configPath: deps.paths.configFile, stateDir: deps.paths.stateDir }),
          sessionDefaults: {
            defaultAgentId: agentId,
            mainKey: 'main',
            mainSessionKey: `agent:${agentId}:main`,
            scope: 'per-sender',
          },
          authMode: authModeOf(config),
        },
        policy: {
          maxPayload: options.maxPayload,
          maxBufferedBytes: options.maxBufferedBytes,
          tickIntervalMs: options.tickIntervalMs,
        },
      };
    },
    ...(nodes !== undefined
      ? { checkNode: (params) => authorizeNodeConnect(nodes.pairing, params) }
      : {}),
    joined(connection) {
      joined.add(connection);
      const session = connection.session!;
      if (nodes !== undefined && session.role === 'node') {
        const paired = connection.authMethod === 'device-token';
        const ip = connection.isLocal ? undefined : connection.remoteAddress;
        const link = {
          connId: connection.connId,
          send: (event: string, payload: unknown) => connection.sendEvent(event, payload),
          close: (code: number, reason: string) => connection.close(code, reason),
        };
        const node = nodes.registry.register(link, session, paired, ip);
        if (paired) {
          nodes.pairing.touch(node.nodeId, {
            caps: node.caps,
            commands: node.commands,
            ...(ip !== undefined ? { remoteIp: ip } : {}),
          });
        }
      }
      if (deps.canvas !== undefined && session.caps?.includes(CANVAS_CAP)) {
        deps.canvas.register({
          connId: connection.connId,
          send: (event, payload) => connection.sendEvent(event, payload),
        });
      }
      broadcastPresence();
    },
    left(connection) {
      deps.canvas?.unregister(connection.connId);
      all.delete(connection);
      joined.delete(connection);
      nodes?.registry.unregister(connection.connId);
      // Deferred: a slow consumer is dropped in the middle of a broadcast, and presence
      // sent from there would reach the remaining clients before that broadcast's frame.
      if (presence.remove(connection.connId)) queueMicrotask(broadcastPresence);
    },
  };

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (stopping !== undefined) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new Connection(ws, request, host);
      all.add(connection);
      connection.start();
    });
  };

  const unsubscribe = deps.bus
    ? startEventHub(deps.bus, ({ event, payload }) => broadcast(event, payload))
    : undefined;
  const tick = setInterval(() => broadcast('tick', { ts: Date.now() }), options.tickIntervalMs);
  const healthTimer = setInterval(() => {
    health.probe().then(
      (report) => broadcast('health', report, true),
      (error: unknown) => logger.warn('health probe failed', { error: String(error) }),
    );
  }, options.healthIntervalMs);
  tick.unref();
  healthTimer.unref();

  const shutdown = async ({ reason, restartExpectedMs }: ShutdownOptions): Promise<void> => {
    clearInterval(tick);
    clearTimeout(presenceTimer);
    clearInterval(healthTimer);
    unsubscribe?.();
    broadcast(
      'shutdown',
      restartExpectedMs === undefined ? { reason } : { reason, restartExpectedMs },
    );
    const connections = [...all];
    for (const connection of connections)
      connection.close(CloseCode.serviceRestart, 'service restart');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(connections.map((connection) => connection.closed)),
      new Promise((resolve) => (timer = setTimeout(resolve, options.shutdownGraceMs))),
    ]);
    clearTimeout(timer);
    for (const connection of connections) connection.terminate();
    wss.close();
  };

  const wsGateway: WsGateway = {
    handleUpgrade: onUpgrade,
    config: () => config,
    broadcast,
    connectionCount: () => joined.size,
    shutdown: (shutdownOptions) => (stopping ??= shutdown(shutdownOptions)),
  };
  app.addHook('preClose', () => wsGateway.shutdown({ reason: 'gateway stopping' }));
  return wsGateway;
}
