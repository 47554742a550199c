/**
 * The docker-compose topology as real local processes: PostgreSQL (Debian's), the
 * multi-service Temporal server on it, the gateway with `--no-worker`, and `clawdbot
 * worker` processes each with a state dir (workspace) of its own, as separate hosts.
 * The gateway and worker commands and environments are read from docker-compose.yml
 * (see compose.ts for how service addresses map to loopback ports).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../core/net.js';
import { TestClient } from '../../gateway/ws/test-harness.js';
import type { FakeLlmServer } from '../fakes/llm-server.js';
import { cleanEnv, spawnClawdbot, waitForHealth, type CliProcess } from './cli-process.js';
import { composeCommand } from './compose.js';
import { startPostgres, type RunningPostgres } from './postgres.js';
import { startTemporalCluster, type RunningCluster } from './temporal-cluster.js';

export const CLUSTER_TOKEN = 'cluster-test-token-0123456789';

/** One worker "host": its process (while running), state dir and workspace. */
export interface ClusterHost {
  hostId: string;
  stateDir: string;
  workspace: string;
  process: CliProcess | undefined;
}

/** Options of the cluster. */
export interface ClusterOptions {
  llm: FakeLlmServer;
  hosts: string[];
  /** clawdbot.json written into each worker's state dir (e.g. worker.hostToolTimeoutMs). */
  workerConfig?: Record<string, unknown>;
  /** Reuse a running PostgreSQL and Temporal server (benches start several clusters). */
  infra?: { postgres: RunningPostgres; temporal: RunningCluster };
}

/** The running topology. */
export interface ClawdbotCluster {
  postgres: RunningPostgres;
  temporal: RunningCluster;
  gatewayUrl: string;
  wsUrl: string;
  hosts: Map<string, ClusterHost>;
  gateway(): CliProcess;
  /** A connected, authenticated WebSocket client of the gateway. */
  connect(): Promise<TestClient>;
  startWorker(hostId: string): Promise<void>;
  killWorker(hostId: string, signal?: NodeJS.Signals): Promise<void>;
  restartGateway(): Promise<void>;
  /** All processes' output, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Start PostgreSQL, Temporal, the gateway and one worker per host, all healthy. */
export async function startClawdbotCluster(options: ClusterOptions): Promise<ClawdbotCluster> {
  const postgres = options.infra?.postgres ?? (await startPostgres());
  const temporal = options.infra?.temporal ?? (await startTemporalCluster({ postgres }));
  const gatewayPort = await freePort();
  const hostsMap = {
    postgresql: `${postgres.host}:${postgres.port}`,
    temporal: temporal.address,
    gateway: `127.0.0.1:${gatewayPort}`,
  };
  // What `.env` holds for compose.
  const dotEnv = {
    POSTGRES_PASSWORD: postgres.password,
    CLAWDBOT_GATEWAY_TOKEN: CLUSTER_TOKEN,
    CLAWDBOT_MODEL: 'openai/fake-model',
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: options.llm.openaiBaseUrl,
  };
  const dirs: string[] = [];
  const newDir = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), `clawdbot-cluster-${name}-`));
    dirs.push(dir);
    return dir;
  };
  const all: CliProcess[] = [];
  const spawnService = (service: string, stateDir: string, extra: NodeJS.ProcessEnv = {}) => {
    const command = composeCommand(service, { hosts: hostsMap, env: dotEnv, stateDir });
    const cli = spawnClawdbot(
      command.args,
      cleanEnv({ ...command.env, CLAWDBOT_LOG_LEVEL: 'warn', ...extra }),
    );
    all.push(cli);
    return cli;
  };

  const gatewayDir = newDir('gateway');
  const gatewayUrl = `http://${hostsMap.gateway}`;
  let gateway = spawnService('gateway', gatewayDir);
  const hosts = new Map<string, ClusterHost>();

  const startWorker = async (hostId: string) => {
    const host = hosts.get(hostId)!;
    // Each worker is a host of its own here (in compose, replicas on one Docker host share one
    // id); info logs tell when it polls its host queue.
    host.process = spawnService('worker', host.stateDir, {
      CLAWDBOT_HOST_ID: hostId,
      CLAWDBOT_LOG_LEVEL: 'info',
    });
    await waitForPollers(hostId);
  };

  /** Until a worker of `hostId` polls its host queue (it polls the shared one by then too). */
  const waitForPollers = async (hostId: string) => {
    const deadline = Date.now() + 60_000;
    const cli = hosts.get(hostId)!.process!;
    let exited = false;
    void cli.exited.then(() => (exited = true));
    while (Date.now() < deadline) {
      if (exited) throw new Error(`worker ${hostId} exited:\n${cli.output()}`);
      if (cli.output().includes(`"clawdbot@${hostId}"`)) return;
      await sleep(100);
    }
    throw new Error(`worker ${hostId} did not start polling:\n${cli.output()}`);
  };

  try {
    await waitForHealth(gatewayUrl, gateway, 90_000);
    for (const hostId of options.hosts) {
      const stateDir = newDir(hostId);
      if (options.workerConfig)
        writeFileSync(join(stateDir, 'clawdbot.json'), JSON.stringify(options.workerConfig));
      hosts.set(hostId, {
        hostId,
        stateDir,
        workspace: join(stateDir, 'workspace'),
        process: undefined,
      });
    }
    await Promise.all(options.hosts.map((hostId) => startWorker(hostId)));
  } catch (error) {
    for (const cli of all) cli.child.kill('SIGKILL');
    throw error;
  }

  const output = () =>
    [
      `--- gateway\n${gateway.output()}`,
      ...[...hosts.values()].map((host) => `--- ${host.hostId}\n${host.process?.output() ?? ''}`),
    ].join('\n');

  return {
    postgres,
    temporal,
    gatewayUrl,
    wsUrl: `ws://${hostsMap.gateway}`,
    hosts,
    gateway: () => gateway,
    connect: async () =>
      (await TestClient.connected(`ws://${hostsMap.gateway}`, { auth: { token: CLUSTER_TOKEN } }))
        .client,
    startWorker,
    async killWorker(hostId, signal = 'SIGKILL') {
      const host = hosts.get(hostId)!;
      const cli = host.process;
      if (!cli) return;
      cli.child.kill(signal);
      await cli.exited;
      host.process = undefined;
    },
    async restartGateway() {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
      gateway = spawnService('gateway', gatewayDir);
      await waitForHealth(gatewayUrl, gateway, 60_000);
    },
    output,
    async stop() {
      const running = [...all].filter((cli) => cli.child.exitCode === null && !cli.child.killed);
      for (const cli of running) cli.child.kill('SIGKILL');
      await Promise.all(running.map((cli) => cli.exited));
      if (!options.infra) {
        await temporal.stop();
        await postgres.stop();
      }
      for (const dir of dirs) if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
