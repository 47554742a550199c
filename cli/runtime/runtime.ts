import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import type { Config } from '../../core/config/schema.js';
import type { ComponentHealth, HealthReport } from '../../core/health.js';
import type { Logger } from '../../core/logger.js';
import type { StatePaths } from '../../core/paths.js';
import { createLocalBus } from '../../core/events/local-bus.js';
import { createRemoteBus, type ClosableBus } from '../../core/events/remote-bus.js';
import { openSessionStore } from '../../core/sessions/index.js';
import { hostTaskQueue, resolveHostId } from '../../core/cluster/placement.js';
import { createTemporalAgentService } from '../../core/agent/temporal-agent-service.js';
import { builtInChannels } from '../../channels/index.js';
import { resolveChannelAccounts } from '../../channels/runtime/account-config.js';
import {
  createChannelManager,
  type ChannelManager,
  type ChannelManagerOptions,
} from '../../channels/runtime/manager.js';
import type { ChannelPlugin } from '../../channels/types.js';
import { buildGatewayApp } from '../../gateway/app.js';
import { createWebhookRouteTable } from '../../gateway/http/channel-routes.js';
import { createGatewayNodes, type GatewayNodes } from '../../gateway/nodes/gateway-nodes.js';
import { startNodesWorker, type NodesWorker } from '../../gateway/nodes/nodes-worker.js';
import { assertSafeBind } from '../../gateway/ws/auth.js';
import { tools as registeredTools } from '../../activities/tools/index.js';
import { auditSecurity, securityStatus } from '../../core/security/audit.js';
import { loosePermissions, octal } from '../../core/security/file-permissions.js';
import {
  embeddedDevServerOptions,
  ensureSearchAttributes,
  launchDevServer,
  type DevServerHandle,
  type LaunchedDevServer,
} from './temporal-dev-server.js';
import { channelToolActivities } from './channel-tools.js';
import { startMemoryIndexing } from './memory-indexing.js';
import type { MemoryWatch } from '../../activities/memory/watcher.js';
import { startWorker, type RunningWorker } from './worker.js';
import { collectStartupGarbage, startupGarbageDelayMs } from './startup-garbage.js';
import { watchConfigFile, type ConfigWatcher } from '../../core/config/watch.js';
import { temporalSdkPlugins, type PluginRegistry } from '../../core/plugins/registry.js';
import { channelConfigWithPlugins } from '../../core/plugins/plugin-runtime.js';
import { loadProcessPlugins } from './plugins.js';
import { withMessageHooks } from '../../core/plugins/channel-hooks.js';
import { hasHook, runObservingHook } from '../../core/plugins/hooks.js';
import { startSessionEndHooks, type SessionEndInput } from '../../core/plugins/session-end.js';
import { startPluginServices, type RunningPluginServices } from '../../core/plugins/services.js';

/** What to run in this process. */
export interface RuntimeOptions {
  config: Config;
  paths: StatePaths;
  logger: Logger;
  gateway: boolean;
  worker: boolean;
  /** Start the configured channel accounts (gateway only; `--no-channels` sets false). */
  channels?: boolean;
  /** The channel plugins (default: the built-in ones); tests add their own. */
  channelPlugins?: readonly ChannelPlugin[];
  /** Plugins already loaded (default: discovered and loaded from config here). */
  plugins?: PluginRegistry;
  /**
   * The embedded Temporal server, already spawned by the caller (`clawdbot gateway` does so
   * before importing this module, so the server boots while we load). Used when no
   * temporal.address is configured; default: spawned here.
   */
  devServer?: LaunchedDevServer;
  /** Channel manager tuning (tests shorten backoff and intervals). */
  channelTuning?: Pick<ChannelManagerOptions, 'restart' | 'typingIntervalMs' | 'draftIntervalMs'>;
}

/** The running pieces of one ClawdBot process. */
export interface Runtime {
  temporalAddress: string;
  gatewayUrl: string | undefined;
  health(): Promise<HealthReport>;
  /** Stop gateway, worker and the embedded server, in that order. */
  stop(): Promise<void>;
  /** Called when a piece dies on its own (the embedded server crashing, the worker failing). */
  onFatal(listener: (reason: string) => void): void;
}

async function temporalHealth(
  connection: NativeConnection,
  config: Config,
  server: DevServerHandle | undefined,
  address: string,
): Promise<ComponentHealth> {
  const base = {
    address,
    namespace: config.temporal.namespace,
    embedded: server?.owned ?? false,
    uiUrl: server?.uiUrl,
  };
  if (server?.crashed) return { status: 'crashed', ...base, exit: server.crashed };
  try {
    await connection.withDeadline(Date.now() + 2000, () =>
      connection.workflowService.getSystemInfo({}),
    );
    return { status: 'ok', ...base };
  } catch (error) {
    return { status: 'unreachable', ...base, error: (error as Error).message };
  }
}

async function externalWorkerHealth(
  connection: NativeConnection,
  config: Config,
): Promise<ComponentHealth> {
  try {
    const response = await connection.withDeadline(Date.now() + 2000, () =>
      connection.workflowService.describeTaskQueue({
        namespace: config.temporal.namespace,
        taskQueue: { name: config.temporal.taskQueue },
        taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
      }),
    );
    return {
      status: 'external',
      taskQueue: config.temporal.taskQueue,
      pollers: response.pollers?.length ?? 0,
    };
  } catch (error) {
    return {
      status: 'external',
      taskQueue: config.temporal.taskQueue,
      error: (error as Error).message,
    };
  }
}

/**
 * Sessions in files on this machine are right for one machine only: if workers on other
 * machines poll the same task queue, each keeps its own transcripts and the gateway sees
 * some of them. Say so (once, at start-up); a shared store (store.postgresUrl) fixes it.
 */
async function warnIfSplitAcrossMachines(
  connection: NativeConnection,
  config: Config,
  logger: Logger,
): Promise<void> {
  const response = await connection.workflowService.describeTaskQueue({
    namespace: config.temporal.namespace,
    taskQueue: { name: config.temporal.taskQueue },
    taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
  });
  const machines = new Set(
    (response.pollers ?? [])
      .map((poller) => /^clawdbot-worker@(.+):\d+$/.exec(poller.identity ?? '')?.[1])
      .filter((machine): machine is string => machine !== undefined && machine !== hostname()),
  );
  if (machines.size === 0) return;
  logger.warn(
    `workers on other machines (${[...machines].join(', ')}) poll task queue ` +
      `"${config.temporal.taskQueue}", but this process keeps sessions in files on this ` +
      'machine: each machine would see only its own transcripts. Set store.postgresUrl ' +
      '(CLAWDBOT_POSTGRES_URL) on every worker and gateway (see README, "Running on a cluster").',
  );
}

/** Start Temporal (embedded unless an address is configured), the worker and the gateway. */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, paths, logger } = options;
  let liveConfig = config;
  const fatalListeners: ((reason: string) => void)[] = [];
  const fatal = (reason: string) => fatalListeners.forEach((listener) => listener(reason));
  const startedAt = Date.now();
  let launched = options.devServer;
  let server: DevServerHandle | undefined;
  let connection: NativeConnection | undefined;
  let worker: RunningWorker | undefined;
  // The worker starts (its workflow thread loads the bundle) while the gateway is built.
  let workerStarting: Promise<RunningWorker> | undefined;
  let app: FastifyInstance | undefined;
  let remoteBus: ClosableBus | undefined;
  let channels: ChannelManager | undefined;
  let gatewayNodes: GatewayNodes | undefined;
  let nodesWorker: NodesWorker | undefined;
  let nodesWorkerStarting: Promise<NodesWorker> | undefined;
  // Config is checked against the plugin manifests before anything starts; a plugin that
  // fails to load is reported and skipped.
  const plugins = options.plugins ?? (await loadProcessPlugins({ config, paths, logger }));
  const pluginLogger = logger.child('plugins');
  const givenChannels = options.channelPlugins ?? builtInChannels;
  // A channel the embedding program gives itself (tests hand one in directly) wins over a
  // plugin's channel of the same id, so the id never runs twice.
  const pluginChannels = plugins.channels
    .map((each) => each.channel)
    .filter((channel) => !givenChannels.some((given) => given.id === channel.id));
  const channelPlugins = [...givenChannels, ...pluginChannels].map((channel) =>
    withMessageHooks(channel, plugins, pluginLogger),
  );
  // Sections of plugin channels whose plugin is off are left out (and warned about).
  const channelConfig = channelConfigWithPlugins(config, plugins, pluginLogger);
  let services: RunningPluginServices | undefined;
  const store = openSessionStore(config, paths.stateDir);
  // Gateway and worker in one process share an in-process bus; a lone worker sends its
  // events to the gateway over the gateway's /internal/events WebSocket.
  const localBus = createLocalBus();
  let memoryWatch: MemoryWatch | undefined;

  let configWatcher: ConfigWatcher | undefined;
  const stop = async () => {
    memoryWatch?.close();
    configWatcher?.close();
    if (app) {
      await runObservingHook(plugins, 'gateway_stop', { reason: 'shutdown' }, pluginLogger);
    }
    await services?.stop();
    if (channels) {
      await channels.stop().catch((error: Error) => logger.warn(`channels stop: ${error.message}`));
      logger.info('channels stopped');
    }
    if (app) {
      await app.close().catch((error: Error) => logger.warn(`gateway close: ${error.message}`));
      logger.info('gateway stopped');
    }
    nodesWorker ??= await nodesWorkerStarting?.catch(() => undefined);
    await nodesWorker?.stop();
    worker ??= await workerStarting?.catch(() => undefined);
    if (worker) {
      await worker.stop();
      logger.info('worker stopped');
    }
    await remoteBus?.close();
    await store.close().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    if (server?.owned) {
      await server.stop();
      logger.info('Temporal server stopped');
    } else if (server === undefined) {
      // Start-up failed before the server answered: do not leave the child behind.
      await launched?.stop();
    }
  };

  const workerBus = () => {
    if (options.gateway) return localBus;
    remoteBus = createRemoteBus({
      url: config.worker.gatewayUrl ?? `ws://127.0.0.1:${config.gateway.port}/internal/events`,
      ...((config.gateway.auth.token ?? config.gateway.auth.password)
        ? { secret: (config.gateway.auth.token ?? config.gateway.auth.password)! }
        : {}),
      logger: logger.child('events'),
    });
    return remoteBus;
  };

  try {
    // Refuse an unsafe bind before starting anything.
    if (options.gateway) assertSafeBind(config);
    // A bad channels.<id> field stops start-up with the field named, like any config error.
    if (options.gateway) resolveChannelAccounts(channelConfig, channelPlugins);
    mkdirSync(paths.stateDir, { recursive: true });
    for (const loose of loosePermissions(paths)) {
      logger.warn(
        `${loose.path} holds secrets and is readable by other users (mode ${octal(loose.mode)}): ` +
          `chmod ${octal(loose.expected)} it, or run \`clawdbot security audit --fix\``,
      );
    }
    let address = config.temporal.address;
    // Only `clawdbot gateway` embeds a server; a lone worker joins the one it is pointed at.
    if (address === undefined && options.gateway) {
      launched ??= await launchDevServer(embeddedDevServerOptions(config, paths, logger));
      logger.debug('waiting for the embedded Temporal server to answer');
      server = await launched.ready();
      server.onCrash((description) => {
        logger.error(description);
        fatal(description);
      });
      address = server.address;
    }
    address ??= `127.0.0.1:${config.temporal.dev.port}`;
    connection = await NativeConnection.connect({ address });
    await ensureSearchAttributes(connection, config.temporal.namespace);
    // Plugins' Temporal SDK plugins (tracing interceptors) go on every client of this process.
    const temporalPlugins = temporalSdkPlugins(plugins);
    const connected = connection;
    const newClient = () =>
      new Client({
        connection: connected,
        namespace: config.temporal.namespace,
        plugins: temporalPlugins,
      });
    plugins.temporal.current = { client: newClient(), taskQueue: config.temporal.taskQueue };
    logger.info(`connected to Temporal at ${address}`);
    await store.ready();
    logger.info(`sessions store: ${store.location}`);

    if (options.worker) {
      mkdirSync(paths.workspaceDir, { recursive: true });
      workerStarting = startWorker({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        // Only a shared store has sessions owned by other hosts; with files on this disk
        // every session is this host's and host-bound tools stay on the shared queue.
        ...(store.shared
          ? { hostTaskQueue: hostTaskQueue(config.temporal.taskQueue, resolveHostId(config)) }
          : {}),
        temporalPlugins,
        workflowStackTraces: config.temporal.workflowStackTraces,
        activities: createActivities({
          config,
          paths,
          logger: logger.child('activity'),
          store,
          bus: workerBus(),
          client: newClient(),
          liveConfig: () => liveConfig,
          plugins,
        }),
        logger: logger.child('worker'),
      });
      // Awaited below (workerReady); a failure meanwhile must not go unhandled.
      workerStarting.catch(() => undefined);
    }
    const workerReady = async () => {
      if (workerStarting === undefined || worker !== undefined) return;
      const started = await workerStarting;
      worker = started;
      started.finished.catch((error: Error) => fatal(`worker failed: ${error.message}`));
      memoryWatch = startMemoryIndexing({
        client: newClient(),
        config,
        workspaceDir: paths.workspaceDir,
        hostQueue: store.shared,
        logger: logger.child('memory'),
      });
    };

    const agent = createTemporalAgentService({
      client: newClient(),
      config: () => liveConfig,
      store,
    });

    const health = async (): Promise<HealthReport> => {
      const temporal = await temporalHealth(connection!, config, server, address);
      const workerHealth = worker
        ? worker.health()
        : options.gateway
          ? await externalWorkerHealth(connection!, config)
          : { status: 'disabled' as const };
      const gateway: ComponentHealth = app
        ? {
            status: 'ok',
            address: `${config.gateway.bind}:${config.gateway.port}`,
            uptimeMs: Date.now() - startedAt,
          }
        : { status: 'disabled' };
      const ok =
        temporal.status === 'ok' &&
        workerHealth.status !== 'failed' &&
        workerHealth.status !== 'stopped';
      const security = securityStatus(
        auditSecurity({
          config: liveConfig,
          paths,
          toolNames: registeredTools.map((tool) => tool.name),
        }),
      );
      return {
        ok,
        ts: Date.now(),
        gateway,
        worker: workerHealth,
        temporal,
        security,
        ...(channels
          ? {
              channels: channels.status().map((account) => ({
                channel: account.channel,
                accountId: account.accountId,
                enabled: account.enabled,
                configured: account.configured,
                running: account.running,
                connected: account.connected,
                ...(account.lastError !== undefined ? { lastError: account.lastError } : {}),
              })),
            }
          : {}),
      };
    };

    if (options.gateway) {
      // Node sockets live in this process: so does the worker that serves the nodes tool.
      gatewayNodes = createGatewayNodes(paths.stateDir);
      // Created while the channels and the HTTP app are built (Worker.create asks the server
      // about the namespace); awaited before the gateway listens.
      nodesWorkerStarting = startNodesWorker({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        nodes: gatewayNodes,
        workspaceDir: paths.workspaceDir,
        logger: logger.child('nodes'),
      });
      nodesWorkerStarting.catch(() => undefined);
      const webhooks = createWebhookRouteTable();
      // The gateway process hosts the channels, with or without a worker: it also serves
      // their delivery task queues, so replies go out from here.
      channels = createChannelManager({
        config: channelConfig,
        plugins: channelPlugins,
        agent,
        store,
        bus: localBus,
        connection,
        stateDir: paths.stateDir,
        workspaceDir: paths.workspaceDir,
        logger: logger.child('channels'),
        httpRoutes: webhooks,
        startAccounts: options.channels ?? true,
        channelTools: channelToolActivities({
          config,
          paths,
          store,
          bus: localBus,
          tools: [...registeredTools, ...plugins.tools.map((each) => each.tool)],
        }),
        ...options.channelTuning,
      });
      app = await buildGatewayApp({
        channels: {
          names: () => [
            ...new Set(
              channels!
                .status()
                .filter((account) => account.running)
                .map((a) => a.channel),
            ),
          ],
          send: (request) => channels!.send(request),
        },
        channelControl: {
          knownChannels: () => channelPlugins.map((plugin) => plugin.id),
          status: () => channels!.status(),
          logout: (channel, accountId) => channels!.logout(channel, accountId),
          pairingList: (channel) => channels!.pairingList(channel),
          pairingApprove: (channel, code, notify) =>
            channels!.pairingApprove(channel, code, notify),
        },
        webhooks,
        nodes: gatewayNodes,
        plugins,
        ...(hasHook(plugins, 'session_end')
          ? {
              sessionEnded: (input: SessionEndInput) =>
                startSessionEndHooks(
                  new Client({ connection, namespace: config.temporal.namespace }),
                  config.temporal.taskQueue,
                  input,
                ),
            }
          : {}),
        config,
        health,
        agent,
        bus: localBus,
        store,
        paths,
        logger: logger.child('gateway'),
        // config.patch: new turns use the patched model, limits and approvals.
        onConfigChange: (next) => {
          liveConfig = next;
        },
      });
      nodesWorker = await nodesWorkerStarting;
      // /health answers for the worker as soon as it listens.
      await workerReady();
      await app.listen({ host: config.gateway.bind, port: config.gateway.port });
      logger.info(`gateway listening on http://${config.gateway.bind}:${config.gateway.port}`);
      mkdirSync(paths.workspaceDir, { recursive: true });
      channels.start();
      await runObservingHook(plugins, 'gateway_start', { port: config.gateway.port }, pluginLogger);
    }
    await workerReady();
    // Each process that loads a plugin runs its services (gateway and worker alike).
    services = await startPluginServices(plugins, {
      stateDir: paths.stateDir,
      logger: pluginLogger,
    });
    // Edits to clawdbot.json apply from the next turn: the agent service and the
    // activities read liveConfig per turn and per call.
    configWatcher = watchConfigFile({
      file: paths.configFile,
      logger: logger.child('config'),
      current: () => liveConfig,
      onChange: (next) => {
        liveConfig = next;
      },
    });
    if (!store.shared && config.temporal.address !== undefined) {
      // Best effort, off the start-up path: other workers may still be connecting.
      const check = setTimeout(() => {
        warnIfSplitAcrossMachines(connection!, config, logger).catch(() => undefined);
      }, 5_000);
      check.unref();
    }
    // Best effort: a process that cannot collect keeps its memory, nothing else changes.
    setTimeout(() => {
      collectStartupGarbage().catch(() => undefined);
    }, startupGarbageDelayMs).unref();
    return {
      temporalAddress: address,
      gatewayUrl: app ? `http://${config.gateway.bind}:${config.gateway.port}` : undefined,
      health,
      stop,
      onFatal: (listener) => fatalListeners.push(listener),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
