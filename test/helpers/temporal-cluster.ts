/**
 * The real multi-service Temporal server (frontend, history, matching, worker) on
 * PostgreSQL, run from deploy/temporal/ exactly as production runs it, as a child process
 * on 127.0.0.1 and free ports. Binaries come from scripts/install-temporal-server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { requireTemporalBinary } from '../../cli/runtime/temporal-binary.js';
import { isTemporalServer } from '../../cli/runtime/temporal-dev-server.js';
import { freePort } from '../../core/net.js';
import { packageRoot } from '../../core/paths.js';
import type { RunningPostgres } from './postgres.js';

/** How to start the cluster. */
export interface TemporalClusterOptions {
  postgres: RunningPostgres;
  /** Give up when the cluster is not usable after this long (default 120 s). */
  startTimeoutMs?: number;
}

/** A running cluster with namespace `default` ready for workflows. */
export interface RunningCluster {
  /** host:port of the frontend. */
  address: string;
  namespace: string;
  /** The server's stdout and stderr. */
  logFile: string;
  pid: number;
  /** Stop the server (its whole process group) and delete its temp dir. */
  stop(): Promise<void>;
}

const toolsDir = join(packageRoot, '.tools', 'bin');
const serverBinary = join(toolsDir, 'temporal-server');
const sqlToolBinary = join(toolsDir, 'temporal-sql-tool');
const configDir = join(packageRoot, 'deploy', 'temporal');
const NAMESPACE = 'default';

function requireServerBinaries(): void {
  for (const binary of [serverBinary, sqlToolBinary]) {
    if (!existsSync(binary)) {
      throw new Error(
        `${binary} is missing: run scripts/install-temporal-server (it builds the Temporal ` +
          'server and its sql tool with Go; npm test runs it for you).',
      );
    }
  }
}

function logTail(file: string, characters = 4000): string {
  try {
    return readFileSync(file, 'utf8').slice(-characters).trim();
  } catch {
    return '(no log)';
  }
}

/** Run a command to completion; throw with its output when it fails. */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 60_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else
        reject(
          new Error(
            `'${command} ${args.join(' ')}' failed (${signal ?? `exit ${code}`}):\n${output.trim()}`,
          ),
        );
    });
  });
}

/**
 * Create Temporal's two databases and bring their schemas to the version this server
 * needs, with the schemas embedded in the sql tool (the same steps as the admin-tools
 * schema job in compose).
 */
async function setUpSchemas(postgres: RunningPostgres): Promise<void> {
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: postgres.host,
    SQL_PORT: String(postgres.port),
    SQL_USER: postgres.user,
    SQL_PASSWORD: postgres.password,
  };
  await Promise.all(
    [
      { database: 'temporal', schema: 'postgresql/v12/temporal' },
      { database: 'temporal_visibility', schema: 'postgresql/v12/visibility' },
    ].map(async ({ database, schema }) => {
      const tool = (...args: string[]) => run(sqlToolBinary, ['--db', database, ...args], env);
      await tool('create-database');
      await tool('setup-schema', '-v', '0.0');
      await tool('update-schema', '--schema-name', schema);
    }),
  );
}

/** True when nothing listens on 127.0.0.1:port (a listen probe). */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free port below 32768. The SQL schemas store a host's membership port in a SMALLINT
 * (cluster_membership.rpc_port), so a membership port from the kernel's ephemeral range
 * (32768-60999 on Linux, what listen(0) hands out) makes the server die at start-up.
 */
async function freeMembershipPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!taken.has(port) && (await canListen(port))) {
      taken.add(port);
      return port;
    }
  }
}

/** Server environment for deploy/temporal/config.yaml: every port a free one. */
async function serverEnv(postgres: RunningPostgres) {
  const taken = new Set<number>();
  const ports = {
    FRONTEND_GRPC_PORT: await freePort(),
    FRONTEND_HTTP_PORT: await freePort(),
    FRONTEND_MEMBERSHIP_PORT: await freeMembershipPort(taken),
    HISTORY_GRPC_PORT: await freePort(),
    HISTORY_MEMBERSHIP_PORT: await freeMembershipPort(taken),
    MATCHING_GRPC_PORT: await freePort(),
    MATCHING_MEMBERSHIP_PORT: await freeMembershipPort(taken),
    WORKER_GRPC_PORT: await freePort(),
    WORKER_MEMBERSHIP_PORT: await freeMembershipPort(taken),
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
    BIND_ON_IP: '127.0.0.1',
    POSTGRES_SEEDS: postgres.host,
    DB_PORT: String(postgres.port),
    POSTGRES_USER: postgres.user,
    POSTGRES_PWD: postgres.password,
    DBNAME: 'temporal',
    VISIBILITY_DBNAME: 'temporal_visibility',
    NUM_HISTORY_SHARDS: '4',
    DYNAMIC_CONFIG_FILE_PATH: join(configDir, 'dynamicconfig.yaml'),
    LOG_LEVEL: 'warn',
  };
  delete env.BROADCAST_ADDRESS;
  delete env.TEMPORAL_BROADCAST_ADDRESS;
  return { env, frontendPort: ports.FRONTEND_GRPC_PORT };
}

/**
 * Set up the schemas in `postgres`, start the server, create namespace `default` and wait
 * until a workflow can be started in it.
 */
export async function startTemporalCluster(
  options: TemporalClusterOptions,
): Promise<RunningCluster> {
  requireServerBinaries();
  const temporalCli = requireTemporalBinary();
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  await setUpSchemas(options.postgres);

  const dir = mkdtempSync(join(tmpdir(), 'clawdbot-test-temporal-cluster-'));
  const logFile = join(dir, 'server.log');
  const { env, frontendPort } = await serverEnv(options.postgres);
  const address = `127.0.0.1:${frontendPort}`;
  const log = openSync(logFile, 'a');
  // setpriv --pdeathsig: the kernel kills the server if this process dies without
  // cleaning up (even by SIGKILL), so no server outlives a crashed test run.
  const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
  const [command = serverBinary, ...args] = [
    ...(hasSetpriv ? ['setpriv', '--pdeathsig', 'KILL', '--'] : []),
    serverBinary,
    // --env config: the loader reads <root>/<config>/config.yaml, our template.
    ...['--root', packageRoot, '--config', 'deploy/temporal', '--env', 'config'],
    ...['--allow-no-auth', 'start'],
  ];
  // Its own process group, so stop() reaches anything it spawns too.
  const child: ChildProcess = spawn(command, args, {
    env,
    cwd: dir,
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  const pid = child.pid;
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ?? `exit code ${code}`;
      resolve();
    });
    // Not started at all (no 'exit' follows).
    child.once('error', (error) => {
      exited = `could not run ${serverBinary}: ${error.message}`;
      resolve();
    });
  });

  const killGroup = (signal: NodeJS.Signals) => {
    if (pid === undefined || exited !== undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  const killOnExit = () => killGroup('SIGKILL');
  process.once('exit', killOnExit);

  let stopped: Promise<void> | undefined;
  const stop = (removeDir: boolean) => {
    stopped ??= (async () => {
      process.removeListener('exit', killOnExit);
      killGroup('SIGTERM');
      const done = await Promise.race([
        exit.then(() => true),
        sleep(15_000, undefined, { ref: false }).then(() => false),
      ]);
      if (!done) {
        killGroup('SIGKILL');
        await exit;
      }
      if (removeDir) rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    await waitUntilUsable(address, temporalCli, () => {
      if (exited !== undefined) return `the server exited during start-up (${exited})`;
      if (Date.now() > deadline) {
        return `not ready on ${address} within ${Math.round(timeoutMs / 1000)} s`;
      }
      return undefined;
    });
  } catch (error) {
    // Keep the temp dir: its log says why.
    await stop(false);
    throw new Error(
      `Temporal cluster: ${(error as Error).message}
Full log: ${logFile}
` + `Last output:\n${logTail(logFile)}`,
    );
  }

  return {
    address,
    namespace: NAMESPACE,
    logFile,
    pid: pid ?? 0,
    stop: () => stop(true),
  };
}

/**
 * Wait until the frontend answers, create the namespace and wait until a workflow can be
 * started in it. `problem()` returns why to give up (server gone, deadline passed).
 */
async function waitUntilUsable(
  address: string,
  temporalCli: string,
  problem: () => string | undefined,
): Promise<void> {
  let lastError = '';
  const check = () => {
    const reason = problem();
    if (reason !== undefined) {
      throw new Error(lastError === '' ? reason : `${reason}; last error: ${lastError}`);
    }
  };
  // 1. The frontend answers.
  for (;;) {
    check();
    if (await isTemporalServer(address, 1000)) break;
    await sleep(200);
  }
  // 2. The namespace exists. Until history and matching have joined the membership ring
  // the frontend fails requests that need them, so this retries.
  for (;;) {
    check();
    try {
      await run(temporalCli, [
        ...['operator', 'namespace', 'create', '--address', address],
        ...['--namespace', NAMESPACE, '--retention', '24h'],
      ]);
      break;
    } catch (error) {
      lastError = (error as Error).message;
      if (/already exists|AlreadyExists/i.test(lastError)) break;
      await sleep(500);
    }
  }
  // 3. A workflow can be started in it: every service's namespace cache has caught up
  // (they refresh every system.namespaceCacheRefreshInterval, 2 s by default).
  lastError = '';
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace: NAMESPACE });
    for (;;) {
      check();
      try {
        const handle = await client.workflow.start('clawdbotClusterProbe', {
          taskQueue: 'clawdbot-cluster-probe',
          workflowId: `cluster-probe-${randomUUID()}`,
        });
        await handle.terminate('start-up probe');
        return;
      } catch (error) {
        // The client wraps the server's answer: "Failed to start Workflow" + cause.
        const cause = (error as Error).cause;
        lastError = `${(error as Error).message}${cause instanceof Error ? `: ${cause.message}` : ''}`;
        await sleep(250);
      }
    }
  } finally {
    await connection.close();
  }
}
