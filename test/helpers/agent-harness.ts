import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { startWorker, type RunningWorker } from '../../cli/runtime/worker.js';
import { loadConfig } from '../../core/config/load.js';
import type { Config, ConfigInput } from '../../core/config/schema.js';
import { createLocalBus } from '../../core/events/local-bus.js';
import type { EventBus, RunEvent } from '../../core/events/types.js';
import { createLogger } from '../../core/logger.js';
import { statePaths, type StatePaths } from '../../core/paths.js';
import {
  createSessionStore,
  type SessionStore,
  type TranscriptEntry,
} from '../../core/sessions/index.js';
import type { FastifyInstance } from 'fastify';
import type { AgentService, RunOutcome } from '../../core/agent/agent-service.js';
import { buildGatewayApp } from '../../gateway/app.js';
import { createEventIngest, eventIngestPath } from '../../gateway/events/ingest.js';
import { createTemporalAgentService } from '../../core/agent/temporal-agent-service.js';
import type { FakeLlmServer } from '../fakes/llm-server.js';
import { cleanEnv, makeStateDir, spawnClawdbot, type CliProcess } from './cli-process.js';

/**
 * Options of an agent test harness. All test files share one Temporal server, where a
 * session is the workflow `session:<key>`: use session keys no other file uses.
 */
export interface HarnessOptions {
  temporalAddress: string;
  llm: FakeLlmServer;
  provider: 'anthropic' | 'openai';
  /** Run the worker in this process (default) or as a `clawdbot worker` child process. */
  worker?: 'in-process' | 'child';
  config?: ConfigInput;
  /** startGatewayHarness: listen on config.gateway.port (tools that call the gateway find it there) instead of any free port. */
  listenOnConfigPort?: boolean;
}

/**
 * Everything an agent turn needs, really started: a worker on a task queue of its own
 * (in this process or as `clawdbot worker`), the Temporal client and agent service the
 * gateway uses, the session store on disk, and every run event recorded.
 */
export interface AgentHarness {
  config: Config;
  paths: StatePaths;
  store: SessionStore;
  client: Client;
  agent: AgentService;
  /** The bus the worker publishes run events on (a gateway over this harness streams them). */
  bus: EventBus;
  events: RunEvent[];
  /** The worker child process, when worker is 'child'. */
  workerProcess: CliProcess | undefined;
  send(sessionKey: string, text: string, messageId?: string): Promise<string>;
  wait(runId: string, sessionKey: string, timeoutMs?: number): Promise<RunOutcome>;
  eventsOf(runId: string): RunEvent['part'][];
  transcript(sessionKey: string): Promise<TranscriptEntry[]>;
  startChildWorker(): CliProcess;
  waitForEvent(predicate: (event: RunEvent) => boolean, timeoutMs?: number): Promise<RunEvent>;
  close(): Promise<void>;
}

let counter = 0;

/** Start a harness; close() it in afterAll/afterEach. */
export async function startAgentHarness(options: HarnessOptions): Promise<AgentHarness> {
  const taskQueue = `test-${process.pid}-${Date.now()}-${counter++}`;
  const baseUrl =
    options.provider === 'anthropic' ? options.llm.anthropicBaseUrl : options.llm.openaiBaseUrl;
  const stateDir = makeStateDir({
    ...options.config,
    temporal: { ...options.config?.temporal, address: options.temporalAddress, taskQueue },
    agent: { model: `${options.provider}/fake-model`, ...options.config?.agent },
    providers: { [options.provider]: { apiKey: 'test-key', baseUrl } },
  });
  const paths = statePaths(stateDir);
  const { config } = loadConfig(paths.configFile, {});
  const store = createSessionStore(stateDir);
  const bus = createLocalBus();
  const events: RunEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const agent = createTemporalAgentService({ client, config: () => config, store });
  const logger = createLogger('harness', 'warn');

  let worker: RunningWorker | undefined;
  let ingestServer: Server | undefined;
  let gatewayUrl = '';
  const children: CliProcess[] = [];
  const startChildWorker = () => {
    const child = spawnClawdbot(
      [
        'worker',
        '--state-dir',
        stateDir,
        '--temporal-address',
        options.temporalAddress,
        '--gateway-url',
        gatewayUrl,
      ],
      cleanEnv({ CLAWDBOT_LOG_LEVEL: 'warn' }),
    );
    children.push(child);
    return child;
  };
  let workerProcess: CliProcess | undefined;
  if ((options.worker ?? 'in-process') === 'in-process') {
    worker = await startWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue,
      activities: createActivities({ config, paths, logger, store, bus, client }),
      logger,
    });
  } else {
    // This process plays the gateway's part for events: the child worker publishes to it.
    const ingest = createEventIngest(bus, () => true);
    ingestServer = createServer((_request, response) => response.writeHead(404).end());
    ingestServer.on('upgrade', (request, socket, head) => {
      if (request.url === eventIngestPath) ingest.handleUpgrade(request, socket, head);
      else socket.destroy();
    });
    await new Promise<void>((resolve) => ingestServer!.listen(0, '127.0.0.1', resolve));
    gatewayUrl = `ws://127.0.0.1:${(ingestServer.address() as { port: number }).port}${eventIngestPath}`;
    workerProcess = startChildWorker();
  }

  const waitForEvent = async (predicate: (event: RunEvent) => boolean, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('event did not arrive in time');
      await sleep(20);
    }
  };

  return {
    config,
    paths,
    store,
    client,
    agent,
    bus,
    events,
    get workerProcess() {
      return workerProcess;
    },
    async send(sessionKey, text, messageId = `m-${Date.now()}-${counter++}`) {
      const { runId } = await agent.send(sessionKey, {
        messageId,
        text,
        channel: 'test',
        receivedAt: Date.now(),
      });
      return runId;
    },
    wait: (runId, sessionKey, timeoutMs = 60_000) => agent.wait(runId, timeoutMs, sessionKey),
    eventsOf: (runId) => events.filter((event) => event.runId === runId).map((event) => event.part),
    async transcript(sessionKey) {
      const entry = await store.get(sessionKey);
      if (!entry) return [];
      const all: TranscriptEntry[] = [];
      for await (const line of store.entries(entry.sessionId)) all.push(line);
      return all;
    },
    startChildWorker: () => {
      workerProcess = startChildWorker();
      return workerProcess;
    },
    waitForEvent,
    async close() {
      for (const child of children) child.child.kill('SIGKILL');
      await worker?.stop();
      ingestServer?.closeAllConnections();
      ingestServer?.close();
      await connection.close();
    },
  };
}

/** A real gateway over an agent harness: the app the CLI runs, listening on 127.0.0.1:0. */
export interface GatewayHarness {
  harness: AgentHarness;
  app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

/** Start an agent harness and the gateway app over it; close() stops both. */
export async function startGatewayHarness(options: HarnessOptions): Promise<GatewayHarness> {
  const harness = await startAgentHarness(options);
  const startedAt = Date.now();
  const app = await buildGatewayApp({
    config: harness.config,
    // The harness has no process-level health; these tests are about the API, not /health.
    health: () =>
      Promise.resolve({
        ok: true,
        ts: Date.now(),
        gateway: { status: 'ok', uptimeMs: Date.now() - startedAt },
        worker: { status: 'ok' },
        temporal: { status: 'ok' },
      }),
    agent: harness.agent,
    bus: harness.bus,
    store: harness.store,
    paths: harness.paths,
    logger: createLogger('gateway', 'warn'),
  });
  await app.listen({
    host: '127.0.0.1',
    port: options.listenOnConfigPort ? harness.config.gateway.port : 0,
  });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('gateway has no address');
  return {
    harness,
    app,
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await app.close();
      await harness.close();
    },
  };
}
