import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NativeConnection } from '@temporalio/worker';
import type { Config } from '../../core/config/schema.js';
import { ClawdbotError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { StatePaths } from '../../core/paths.js';
import { isPortOpen } from '../../core/net.js';
import { clawdbotSearchAttributes } from '../../workflows/search-attributes.js';
import { requireTemporalBinary } from './temporal-binary.js';

/**
 * Dev-server settings that remove the 35-50 ms wait per workflow step (see
 * shared/TEMPORAL-NOTES.md): eager activities and un-throttled history queue readers.
 * The timer queue matters too, for cron and durable sleeps.
 */
export const fastDevServerDynamicConfig: Record<string, unknown> = {
  'system.enableActivityEagerExecution': true,
  'history.transferProcessorMaxPollRPS': 10000,
  'history.transferProcessorMaxPollHostRPS': 10000,
  'history.timerProcessorMaxPollRPS': 10000,
  'history.timerProcessorMaxPollHostRPS': 10000,
  // Timers due within this shift of now fire at its end: 1 s by default, which makes every
  // short sleep and cron fire up to a second late. It tolerates clock skew between history
  // hosts; the dev server is one process with one clock.
  'history.timerProcessorMaxTimeShift': '10ms',
  'history.visibilityProcessorMaxPollRPS': 10000,
  'history.visibilityProcessorMaxPollHostRPS': 10000,
  'history.outboundProcessorMaxPollRPS': 10000,
  'history.outboundProcessorMaxPollHostRPS': 10000,
  // One partition per task queue (default 4): a task lands where the worker's few pollers
  // wait, instead of in a partition none of them polls at that moment and waiting to be
  // forwarded. Every turn's run starts on the normal queue, so this is on the chat path.
  // Runs of one workflow id are spaced at least this far apart (default 1 s): a run that
  // continues-as-new sooner has its successor's first task delayed by up to the rest of
  // it. A session runs one turn per run, so this would hold every turn's end (announced
  // by the next run) back by most of a second. It guards against runaway restart loops;
  // ours continue-as-new once per message.
  'history.workflowIdReuseMinimalInterval': '0s',
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
};

/** How to run the embedded server. */
export interface DevServerOptions {
  binary: string;
  host: string;
  port: number;
  uiPort: number;
  headless: boolean;
  namespace: string;
  /** SQLite database file; its folder also receives server.log. */
  dbFile: string;
  logger: Logger;
  /** Give up waiting for the server after this long. */
  startTimeoutMs?: number;
}

/** How `clawdbot gateway` runs its embedded server (config temporal.dev). */
export function embeddedDevServerOptions(
  config: Config,
  paths: StatePaths,
  logger: Logger,
): DevServerOptions {
  return {
    binary: requireTemporalBinary(),
    host: '127.0.0.1',
    port: config.temporal.dev.port,
    uiPort: config.temporal.dev.uiPort,
    headless: config.temporal.dev.headless,
    namespace: config.temporal.namespace,
    dbFile: paths.temporalDbFile,
    logger: logger.child('temporal'),
  };
}

/** A running (or reused) Temporal server. */
export interface DevServerHandle {
  address: string;
  uiUrl: string | undefined;
  /** False when an already-running Temporal server was reused: we must not stop it. */
  owned: boolean;
  pid: number | undefined;
  /** Set when the child exited without being asked to. */
  crashed: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Called once if the child exits without being asked to. */
  onCrash(listener: (description: string) => void): void;
  stop(): Promise<void>;
}

/** True when a Temporal frontend answers at address within the timeout. */
export async function isTemporalServer(address: string, timeoutMs = 3000): Promise<boolean> {
  let connection: NativeConnection | undefined;
  try {
    // Imported here, not at the top: the gateway spawns the server before it loads the
    // Temporal SDK (~0.5 s), so the two overlap.
    const { NativeConnection } = await import('@temporalio/worker');
    // connect() has no timeout of its own; a non-gRPC listener must not hang us.
    const connecting = NativeConnection.connect({ address });
    const timer = sleep(timeoutMs).then(() => undefined);
    connection = await Promise.race([connecting, timer]);
    if (!connection) {
      void connecting.then((late) => late.close()).catch(() => undefined);
      return false;
    }
    const connected = connection;
    await connected.withDeadline(Date.now() + timeoutMs, () =>
      connected.workflowService.getSystemInfo({}),
    );
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** Register ClawdBot's search attributes on a namespace; existing ones are left alone. */
export async function ensureSearchAttributes(
  connection: NativeConnection,
  namespace: string,
): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = clawdbotSearchAttributes.filter(
    (key) => !(key.name in (existing.customAttributes ?? {})),
  );
  if (missing.length === 0) return;
  // IndexedValueType.KEYWORD = 2 in the Temporal API enums.
  const searchAttributes = Object.fromEntries(missing.map((key) => [key.name, 2]));
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (error) {
    // Another process (a worker starting beside the gateway) registered them first.
    if ((error as { code?: number }).code !== grpcAlreadyExists) throw error;
  }
  await searchAttributesUsable(connection, namespace);
}

const grpcAlreadyExists = 6;

/**
 * A cluster's services learn new search attributes when their namespace cache refreshes
 * (every 2 s by default): until then a workflow start that sets them is refused ("no
 * mapping defined for search attribute"). Wait until a query naming all of them is
 * accepted, then one more refresh interval for the services that were not asked. Runs
 * only when this call registered something, i.e. once per namespace.
 */
async function searchAttributesUsable(connection: NativeConnection, namespace: string) {
  const query = clawdbotSearchAttributes.map((key) => `${key.name} = "probe"`).join(' OR ');
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await connection.workflowService.listWorkflowExecutions({ namespace, query, pageSize: 1 });
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
  await sleep(namespaceCacheRefreshMs);
}

const namespaceCacheRefreshMs = 2_000;

function devServerArgs(options: DevServerOptions): string[] {
  const args = [
    'server',
    'start-dev',
    '--ip',
    options.host,
    '--port',
    String(options.port),
    '--namespace',
    options.namespace,
    '--db-filename',
    options.dbFile,
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=NORMAL',
    '--log-level',
    'warn',
  ];
  if (options.headless) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort), '--ui-ip', options.host);
  for (const [key, value] of Object.entries(fastDevServerDynamicConfig)) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  for (const key of clawdbotSearchAttributes)
    args.push('--search-attribute', `${key.name}=Keyword`);
  return args;
}

/** A dev server spawned (or a port found taken), not yet known to answer. */
export interface LaunchedDevServer {
  /**
   * Resolves once the server answers, or the server already on the port proved to be
   * Temporal; rejects with TEMPORAL_START_FAILED / TEMPORAL_PORT_BUSY. Makes Temporal SDK
   * connections: the SDK runtime must be installed first. Same promise on every call.
   */
  ready(): Promise<DevServerHandle>;
  /** Stop the child if we spawned it (start-up failing elsewhere before ready). */
  stop(): Promise<void>;
}

/**
 * Start `temporal server start-dev` as a child process, or reuse a Temporal server that
 * already listens on the port. Anything else on the port is a clear error.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServerHandle> {
  return (await launchDevServer(options)).ready();
}

/**
 * The first half of startDevServer: check the ports and spawn the child, without waiting
 * for it or loading the Temporal SDK. The gateway calls it as soon as its config is read,
 * so the server boots while the rest of ClawdBot is imported, then awaits ready().
 */
export async function launchDevServer(options: DevServerOptions): Promise<LaunchedDevServer> {
  const address = `${options.host}:${options.port}`;
  const uiUrl = options.headless ? undefined : `http://${options.host}:${options.uiPort}`;
  const crashListeners: ((description: string) => void)[] = [];

  if (await isPortOpen(options.host, options.port)) {
    let checked: Promise<DevServerHandle> | undefined;
    const reuse = async (): Promise<DevServerHandle> => {
      if (!(await isTemporalServer(address))) {
        throw new ClawdbotError(
          'TEMPORAL_PORT_BUSY',
          `Port ${options.port} on ${options.host} is in use by something that is not a Temporal server. ` +
            'Stop that process, or choose another port with --temporal-port (config temporal.dev.port).',
          { address },
        );
      }
      options.logger.info(`reusing the Temporal server already listening on ${address}`);
      return {
        address,
        uiUrl,
        owned: false,
        pid: undefined,
        crashed: undefined,
        onCrash: (listener) => crashListeners.push(listener),
        stop: () => Promise.resolve(),
      };
    };
    return {
      ready: () => (checked ??= reuse()),
      stop: () => Promise.resolve(),
    };
  }
  if (!options.headless && (await isPortOpen(options.host, options.uiPort))) {
    throw new ClawdbotError(
      'TEMPORAL_PORT_BUSY',
      `The Temporal UI port ${options.uiPort} on ${options.host} is in use. Choose another with ` +
        '--temporal-ui-port (config temporal.dev.uiPort), or set temporal.dev.headless.',
      { port: options.uiPort },
    );
  }

  mkdirSync(dirname(options.dbFile), { recursive: true });
  const logFile = join(dirname(options.dbFile), 'server.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  let tail = '';
  const child: ChildProcess = spawn(options.binary, devServerArgs(options), {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a terminal's Ctrl-C must reach us first, so we stop the
    // gateway and worker before the server they depend on.
    detached: true,
  });
  const keepTail = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);

  let stopping = false;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  // A binary that cannot be executed at all (EACCES, ENOEXEC, gone since we looked)
  // emits 'error' and never 'exit'.
  let spawnError: Error | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      log.end();
      resolve();
      if (!stopping) {
        const description =
          `the embedded Temporal server (pid ${child.pid}) exited unexpectedly ` +
          `(${signal ? `signal ${signal}` : `exit code ${code}`}); its log is ${logFile}`;
        for (const listener of crashListeners) listener(description);
      }
    });
  });
  child.once('error', (error) => {
    spawnError = error;
    tail += `\n${error.message}`;
  });

  const handle: DevServerHandle = {
    address,
    uiUrl,
    owned: true,
    pid: child.pid,
    get crashed() {
      return stopping ? undefined : exited;
    },
    onCrash: (listener) => crashListeners.push(listener),
    async stop() {
      if (exited || spawnError) return;
      stopping = true;
      child.kill('SIGTERM');
      const killed = await Promise.race([
        exitPromise.then(() => true),
        sleep(10_000).then(() => false),
      ]);
      if (!killed) {
        options.logger.warn('Temporal server did not stop within 10 s; killing it');
        child.kill('SIGKILL');
        await exitPromise;
      }
    },
  };

  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const deadline = Date.now() + startTimeoutMs;
  options.logger.info(`starting the embedded Temporal server on ${address}`, {
    db: options.dbFile,
  });
  const waitUntilAnswering = async (): Promise<DevServerHandle> => {
    for (;;) {
      if (spawnError) {
        throw new ClawdbotError(
          'TEMPORAL_START_FAILED',
          `The Temporal CLI ${options.binary} could not be run: ${spawnError.message}`,
          { binary: options.binary, logFile },
        );
      }
      if (exited) {
        throw new ClawdbotError(
          'TEMPORAL_START_FAILED',
          `The embedded Temporal server (${options.binary}) exited during start-up (${exited.signal ?? `exit code ${exited.code}`}). ` +
            `Last output:\n${tail.trim()}`,
          { binary: options.binary, logFile },
        );
      }
      if (await isTemporalServer(address, 1000)) return handle;
      if (Date.now() > deadline) {
        await handle.stop();
        throw new ClawdbotError(
          'TEMPORAL_START_FAILED',
          `The embedded Temporal server did not answer on ${address} within ${Math.round(startTimeoutMs / 1000)} s. Last output:\n${tail.trim()}`,
          { binary: options.binary, logFile },
        );
      }
      await sleep(100);
    }
  };
  let waiting: Promise<DevServerHandle> | undefined;
  return {
    ready: () => (waiting ??= waitUntilAnswering()),
    stop: () => handle.stop(),
  };
}
