/**
 * Channel tests run the real thing: the gateway process's runtime (gateway, channel
 * manager with its delivery workers, and optionally the agent worker) against the test
 * run's Temporal server and the scripted LLM, with a channel pointed at a fake platform.
 *
 * Two shapes:
 *  - `startChannelGateway`: everything in this process (`startRuntime`, as `clawdbot
 *    gateway` runs it), with any channel plugins — e.g. a built-in channel whose
 *    apiRoot points at a fake in test/fakes/. `restart()` stops it and starts it again on
 *    the same state dir and port (a gateway restart mid-turn).
 *  - `startChannelProcesses`: `clawdbot gateway --no-worker` and `clawdbot worker` as
 *    child processes on one state dir, so a test can SIGKILL the worker mid-turn
 *    (`killWorker()` then `startWorker()`) or restart the gateway (`restartGateway()`).
 *    Children load the built-in channels and the channel plugins config enables
 *    (`plugins.load.paths` in `config`, or a bundled one turned on by its section).
 *
 * Each harness gets its own task queue, so its turns never reach another test file's
 * workers; session keys still must be unique across files (one Temporal server).
 *
 * ```ts
 * const llm = await startFakeLlmServer();
 * const fake = await startFakeTelegram();               // your platform fake
 * const harness = await startChannelGateway({
 *   temporalAddress: inject('temporalAddress'),
 *   llm,
 *   channels: { telegram: { botToken: fake.token, apiRoot: fake.url, dmPolicy: 'open', allowFrom: ['*'] } },
 * });
 * fake.sendDirectMessage(...); await fake.waitForSent(...);
 * await harness.close();
 * ```
 */
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { ChannelPlugin } from '../../channels/types.js';
import { callGateway } from '../../cli/gateway-client.js';
import { startRuntime, type Runtime, type RuntimeOptions } from '../../cli/runtime/runtime.js';
import { loadConfig } from '../../core/config/load.js';
import type { Config, ConfigInput } from '../../core/config/schema.js';
import { openLogFile } from '../../core/log-files.js';
import { createLogger, type LogLevel } from '../../core/logger.js';
import { freePort } from '../../core/net.js';
import { statePaths, type StatePaths } from '../../core/paths.js';
import {
  createSessionStore,
  type SessionStore,
  type TranscriptEntry,
} from '../../core/sessions/index.js';
import type { FakeLlmServer } from '../fakes/llm-server.js';
import {
  cleanEnv,
  makeStateDir,
  spawnClawdbot,
  waitForHealth,
  type CliProcess,
} from './cli-process.js';

/** Options shared by both harness shapes. */
export interface ChannelHarnessOptions {
  temporalAddress: string;
  llm: FakeLlmServer;
  provider?: 'anthropic' | 'openai';
  /** `channels` section of clawdbot.json. */
  channels: Record<string, unknown>;
  /** Any other config (merged over the harness's own). */
  config?: ConfigInput;
}

/** What both harness shapes offer. */
interface ChannelHarnessBase {
  config: Config;
  paths: StatePaths;
  /** http://127.0.0.1:<port> */
  url: string;
  /** The sessions store on the same state dir, for reading transcripts. */
  store: SessionStore;
  /** A Temporal client on the test server (describe workflows, wait for results). */
  client: Client;
  /** Call a gateway method over the WebSocket protocol. */
  call(method: string, params?: unknown): Promise<unknown>;
  /** Every entry of a session's transcript (delivery entries included). */
  transcript(sessionKey: string): Promise<TranscriptEntry[]>;
  close(): Promise<void>;
}

/** Gateway and channels in this process; the agent worker here, in a child process, or none. */
export interface ChannelGatewayHarness extends ChannelHarnessBase {
  runtime: Runtime;
  /** The `clawdbot worker` child process (worker: 'child'). */
  workerProcess: CliProcess | undefined;
  /** SIGKILL the child worker. */
  killWorker(): Promise<void>;
  /** Start a (new) child worker. */
  startWorker(): CliProcess;
  /** Stop the runtime and start it again on the same state dir and port. */
  restart(): Promise<void>;
  /** Stop the runtime only (start it again with `restart`). */
  stopRuntime(): Promise<void>;
}

/** `clawdbot gateway --no-worker` and `clawdbot worker` as child processes. */
export interface ChannelProcessesHarness extends ChannelHarnessBase {
  gateway: CliProcess;
  worker: CliProcess | undefined;
  killWorker(): Promise<void>;
  startWorker(): CliProcess;
  /** SIGTERM the gateway, wait for it to exit, start it again and wait for /health. */
  restartGateway(): Promise<void>;
}

let harnessCounter = 0;

async function prepare(options: ChannelHarnessOptions) {
  const provider = options.provider ?? 'openai';
  const port = await freePort();
  const taskQueue = `channels-${process.pid}-${Date.now()}-${harnessCounter++}`;
  const baseUrl =
    provider === 'anthropic' ? options.llm.anthropicBaseUrl : options.llm.openaiBaseUrl;
  const stateDir = makeStateDir({
    ...options.config,
    gateway: { port, ...options.config?.gateway },
    temporal: { ...options.config?.temporal, address: options.temporalAddress, taskQueue },
    agent: { model: `${provider}/fake-model`, ...options.config?.agent },
    providers: { [provider]: { apiKey: 'test-key', baseUrl } },
    channels: options.channels,
  });
  const paths = statePaths(stateDir);
  const { config } = loadConfig(paths.configFile, {});
  const store = createSessionStore(stateDir, { fsync: false });
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const url = `http://127.0.0.1:${port}`;
  const base = {
    config,
    paths,
    url,
    store,
    client,
    call: (method: string, params?: unknown) =>
      callGateway({ url: `ws://127.0.0.1:${port}/` }, method, params),
    async transcript(sessionKey: string) {
      const entry = await store.get(sessionKey);
      if (!entry) return [];
      const all: TranscriptEntry[] = [];
      for await (const line of store.entries(entry.sessionId)) all.push(line);
      return all;
    },
  };
  return { base, connection };
}

/** Start gateway + worker + channels in this process. */
export async function startChannelGateway(
  options: ChannelHarnessOptions & {
    /** Channel plugins (default: the built-in ones). */
    plugins?: readonly ChannelPlugin[];
    /**
     * Where the agent worker runs: in this process (default), as a `clawdbot worker`
     * child process (kill it mid-turn with killWorker), or nowhere.
     */
    worker?: 'in-process' | 'child' | 'none';
    tuning?: RuntimeOptions['channelTuning'];
    logLevel?: LogLevel;
    /** Also write log lines to `<stateDir>/logs/gateway-<pid>.jsonl`, as `clawdbot gateway` does (for logs.tail). */
    logFile?: boolean;
  },
): Promise<ChannelGatewayHarness> {
  const { base, connection } = await prepare(options);
  const logFile = options.logFile ? openLogFile(base.paths.stateDir, 'gateway') : undefined;
  const start = () =>
    startRuntime({
      config: base.config,
      paths: base.paths,
      logger: createLogger(
        'channel-test',
        options.logLevel ?? 'warn',
        // Lines kept in the file stay off the test's output.
        logFile ? () => undefined : undefined,
        logFile && ((entry) => logFile.record(entry)),
      ),
      gateway: true,
      worker: (options.worker ?? 'in-process') === 'in-process',
      channels: true,
      ...(options.plugins ? { channelPlugins: options.plugins } : {}),
      ...(options.tuning ? { channelTuning: options.tuning } : {}),
    });
  let runtime: Runtime | undefined = await start();
  const spawnWorker = () =>
    spawnClawdbot(
      [
        'worker',
        '--state-dir',
        base.paths.stateDir,
        '--temporal-address',
        options.temporalAddress,
        '--gateway-url',
        `ws://127.0.0.1:${base.config.gateway.port}/internal/events`,
      ],
      cleanEnv({ CLAWDBOT_LOG_LEVEL: options.logLevel ?? 'warn' }),
    );
  let workerProcess = options.worker === 'child' ? spawnWorker() : undefined;
  const killWorker = async () => {
    const child = workerProcess;
    workerProcess = undefined;
    if (!child || child.child.exitCode !== null || child.child.signalCode !== null) return;
    child.child.kill('SIGKILL');
    await child.exited;
  };
  return {
    ...base,
    get workerProcess() {
      return workerProcess;
    },
    killWorker,
    startWorker() {
      workerProcess = spawnWorker();
      return workerProcess;
    },
    get runtime() {
      if (!runtime) throw new Error('the runtime is stopped');
      return runtime;
    },
    async stopRuntime() {
      await runtime?.stop();
      runtime = undefined;
    },
    async restart() {
      await runtime?.stop();
      runtime = await start();
    },
    async close() {
      await killWorker();
      await runtime?.stop();
      runtime = undefined;
      await connection.close();
    },
  };
}

/** Start `clawdbot gateway --no-worker` and `clawdbot worker` on one state dir. */
export async function startChannelProcesses(
  options: ChannelHarnessOptions & { env?: NodeJS.ProcessEnv },
): Promise<ChannelProcessesHarness> {
  const { base, connection } = await prepare(options);
  const env = cleanEnv({ CLAWDBOT_LOG_LEVEL: 'info', ...options.env });
  const common = [
    '--state-dir',
    base.paths.stateDir,
    '--temporal-address',
    options.temporalAddress,
  ];
  const spawnGateway = () => spawnClawdbot(['gateway', '--no-worker', ...common], env);
  const spawnWorker = () =>
    spawnClawdbot(
      [
        'worker',
        ...common,
        '--gateway-url',
        `ws://127.0.0.1:${base.config.gateway.port}/internal/events`,
      ],
      env,
    );
  let gateway = spawnGateway();
  let worker: CliProcess | undefined = spawnWorker();
  await waitForHealth(base.url, gateway);
  const stopChild = async (cli: CliProcess | undefined, signal: NodeJS.Signals) => {
    if (!cli || cli.child.exitCode !== null || cli.child.signalCode !== null) return;
    cli.child.kill(signal);
    await cli.exited;
  };
  return {
    ...base,
    get gateway() {
      return gateway;
    },
    get worker() {
      return worker;
    },
    async killWorker() {
      await stopChild(worker, 'SIGKILL');
      worker = undefined;
    },
    startWorker() {
      worker = spawnWorker();
      return worker;
    },
    async restartGateway() {
      await stopChild(gateway, 'SIGTERM');
      gateway = spawnGateway();
      await waitForHealth(base.url, gateway);
    },
    async close() {
      await stopChild(worker, 'SIGKILL');
      await stopChild(gateway, 'SIGTERM');
      await connection.close();
    },
  };
}
