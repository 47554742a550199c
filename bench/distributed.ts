// bench/distributed: the same chat load on three topologies.
// 1. embedded: `clawdbot gateway` as users run it on one machine (embedded Temporal dev
//    server with the embedded runtime's settings, in-process worker, sessions in files).
// 2. and 3. the docker-compose topology as local processes (test/helpers/cluster-harness.ts):
//    PostgreSQL, the multi-service Temporal server on it, the gateway with --no-worker and
//    one, then two `clawdbot worker` hosts. PostgreSQL and Temporal are started once for both;
//    each topology uses session keys of its own, so nothing one left behind mixes in.
// Load: `sessions` sessions at once, each sending `turnsPerSession` one-tool turns (LLM →
// read_file → LLM, the fake LLM answering at once) one after another, after one warm-up turn
// per session, all over one authenticated WebSocket client. Each turn is timed from just
// before its chat.send to its first `chat` delta and to its `final`. The client and the fake
// LLM run in this process; every ClawdBot and Temporal process is a child of it.
// Run: npm run bench:distributed [-- sessions turnsPerSession]
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../core/net.js';
import type { ChatEventPayload, ResponseFrame } from '../core/protocol/index.js';
import { TestClient, type ServerFrame } from '../gateway/ws/test-harness.js';
import { startFakeLlmServer, type FakeLlmServer } from '../test/fakes/llm-server.js';
import {
  cleanEnv,
  descendantPids,
  isAlive,
  makeStateDir,
  spawnClawdbot,
  waitForHealth,
  type CliProcess,
} from '../test/helpers/cli-process.js';
import { startClawdbotCluster } from '../test/helpers/cluster-harness.js';
import { startPostgres, type RunningPostgres } from '../test/helpers/postgres.js';
import { startTemporalCluster, type RunningCluster } from '../test/helpers/temporal-cluster.js';
import { percentile, summary } from './stats.js';

const TOKEN = 'bench-distributed-token-0123456789';
const NOTE = 'note.txt';
const TOOL_TURN = `TOOL read_file {"path":"${NOTE}"}`;
const TURN_TIMEOUT_MS = 120_000;

type Cleanup = () => unknown;

/** What one topology's measured phase gave; times in ms from chat.send. */
interface Measured {
  turns: number;
  wallMs: number;
  deltas: number[];
  finals: number[];
  errors: Record<string, number>;
  loadBefore: number;
  loadAfter: number;
}

/** One line of the final table. */
interface Row {
  name: string;
  workers: number;
  measured?: Measured;
  failure?: string;
}

/** Things to stop, last started first; `unwind(mark)` stops those pushed after `mark`, once each. */
class Teardown {
  private readonly steps: Cleanup[] = [];
  private running: Promise<void> = Promise.resolve();

  get mark(): number {
    return this.steps.length;
  }

  push(step: Cleanup): void {
    this.steps.push(step);
  }

  unwind(mark = 0): Promise<void> {
    this.running = this.running.then(async () => {
      while (this.steps.length > mark) {
        const step = this.steps.pop()!;
        try {
          await step();
        } catch (error) {
          console.error(`cleanup failed: ${String(error)}`);
        }
      }
    });
    return this.running;
  }
}

/** A run's `chat` events as they reached the client (performance.now() times). */
interface RunTimes {
  delta?: number;
  end?: number;
  state?: ChatEventPayload['state'];
  errorMessage?: string;
}

/**
 * Watches the client's socket for chat.send responses and times every run's first `chat`
 * delta and its end. A run's events can arrive before the response that names it, so every
 * run is recorded. Waits end when the socket closes, and leave no timer behind.
 */
class TurnWatch {
  private readonly responses = new Map<string, ResponseFrame>();
  private readonly runs = new Map<string, RunTimes>();
  private readonly waiters = new Map<string, () => void>();
  private closed = false;

  private readonly onMessage = (data: Buffer) => {
    const at = performance.now();
    const frame = JSON.parse(data.toString('utf8')) as ServerFrame;
    if (frame.type === 'res') {
      this.responses.set(frame.id, frame);
      this.waiters.get(`res:${frame.id}`)?.();
      return;
    }
    if (frame.event !== 'chat') return;
    const payload = frame.payload as ChatEventPayload;
    let run = this.runs.get(payload.runId);
    if (run === undefined) {
      run = {};
      this.runs.set(payload.runId, run);
    }
    if (payload.state === 'delta') {
      run.delta ??= at;
    } else if (run.end === undefined) {
      run.end = at;
      run.state = payload.state;
      run.errorMessage = payload.errorMessage;
      this.waiters.get(`run:${payload.runId}`)?.();
    }
  };

  constructor(private readonly client: TestClient) {
    client.socket.on('message', this.onMessage);
    void client.closed.then(() => {
      this.closed = true;
      for (const settle of this.waiters.values()) settle();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The response to request `id`; undefined after `timeoutMs` or when the socket closed. */
  async response(id: string, timeoutMs: number): Promise<ResponseFrame | undefined> {
    await this.until(`res:${id}`, () => this.responses.has(id), timeoutMs);
    const response = this.responses.get(id);
    this.responses.delete(id);
    return response;
  }

  /** The run's times once its final (or error, aborted) event came; undefined if it did not. */
  async ended(runId: string, timeoutMs: number): Promise<RunTimes | undefined> {
    const ended = await this.until(
      `run:${runId}`,
      () => this.runs.get(runId)?.end !== undefined,
      timeoutMs,
    );
    const run = this.runs.get(runId);
    if (ended) this.runs.delete(runId);
    return ended ? run : undefined;
  }

  stop(): void {
    this.client.socket.off('message', this.onMessage);
  }

  /** Until `ready()` holds, the time is up or the socket closed; then whether it holds. */
  private async until(key: string, ready: () => boolean, timeoutMs: number): Promise<boolean> {
    if (!ready() && !this.closed) {
      await new Promise<void>((resolve) => {
        const settle = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(settle, Math.max(0, timeoutMs));
        this.waiters.set(key, settle);
      });
      this.waiters.delete(key);
    }
    return ready();
  }
}

type TurnResult = { delta: number | undefined; final: number } | { error: string };

/** One turn: chat.send, then its run's chat events. Throws only when the socket is gone. */
async function turn(
  client: TestClient,
  watch: TurnWatch,
  sessionKey: string,
  id: string,
): Promise<TurnResult> {
  const gone = () => new Error('the gateway closed the WebSocket');
  if (watch.isClosed) throw gone();
  const sent = performance.now();
  // Not client.request: its 5 s answer timeout is not ours to impose on a loaded machine.
  client.send({
    type: 'req',
    id,
    method: 'chat.send',
    params: { sessionKey, message: TOOL_TURN, idempotencyKey: id },
  });
  const response = await watch.response(id, TURN_TIMEOUT_MS);
  if (response === undefined) {
    if (watch.isClosed) throw gone();
    return { error: `no chat.send response in ${TURN_TIMEOUT_MS / 1000} s` };
  }
  if (!response.ok) return { error: `chat.send: ${response.error?.message ?? 'failed'}` };
  const { runId } = response.payload as { runId: string };
  const run = await watch.ended(runId, TURN_TIMEOUT_MS - (performance.now() - sent));
  if (run?.end === undefined) {
    if (watch.isClosed) throw gone();
    return { error: `no final in ${TURN_TIMEOUT_MS / 1000} s` };
  }
  if (run.state !== 'final') return { error: `${run.state}: ${run.errorMessage ?? ''}` };
  return {
    delta: run.delta === undefined ? undefined : run.delta - sent,
    final: run.end - sent,
  };
}

/** Warm-up turns, then the measured load; session keys start with `agent:main:bench-<name>-`. */
async function runLoad(
  client: TestClient,
  name: string,
  sessions: number,
  turnsPerSession: number,
): Promise<Measured> {
  const watch = new TurnWatch(client);
  const sessionKey = (index: number) => `agent:main:bench-${name}-${index}`;
  const lanes = Array.from({ length: sessions }, (_unused, index) => index);
  try {
    // The first turn of a session starts its workflow (and, in a cluster, picks its host).
    const warm = await Promise.all(
      lanes.map((index) => turn(client, watch, sessionKey(index), `${name}-warm-${index}`)),
    );
    const failed = warm.filter((result) => 'error' in result).length;
    if (failed > 0) console.log(`  warm-up: ${failed} of ${sessions} turns failed`);

    const measured: Measured = {
      turns: 0,
      wallMs: 0,
      deltas: [],
      finals: [],
      errors: {},
      loadBefore: loadavg()[0]!,
      loadAfter: 0,
    };
    const started = performance.now();
    await Promise.all(
      lanes.map(async (index) => {
        for (let n = 0; n < turnsPerSession; n++) {
          const result = await turn(client, watch, sessionKey(index), `${name}-${index}-${n}`);
          if ('error' in result) {
            measured.errors[result.error] = (measured.errors[result.error] ?? 0) + 1;
            continue;
          }
          measured.turns += 1;
          measured.finals.push(result.final);
          if (result.delta !== undefined) measured.deltas.push(result.delta);
        }
      }),
    );
    measured.wallMs = performance.now() - started;
    measured.loadAfter = loadavg()[0]!;
    return measured;
  } finally {
    watch.stop();
  }
}

function writeNote(workspace: string): void {
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, NOTE), 'bench note');
}

/**
 * SIGTERM a `clawdbot` process (SIGKILL after 15 s), then SIGKILL whatever it started that
 * outlived it: `known` (its children seen earlier: once it died they are no longer its
 * descendants) and those it has now.
 */
async function stopTree(cli: CliProcess, known: number[]): Promise<void> {
  const pid = cli.child.pid;
  if (pid === undefined) return;
  const started = [...known, ...descendantPids(pid)];
  if (cli.child.exitCode === null && cli.child.signalCode === null) {
    cli.child.kill('SIGTERM');
    const exited = await Promise.race([
      cli.exited.then(() => true),
      sleep(15_000, false, { ref: false }),
    ]);
    if (!exited) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
  }
  for (const child of started) kill(child);
}

const tail = (text: string) => text.slice(-3000).trim();
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function embedded(
  llm: FakeLlmServer,
  teardown: Teardown,
  sessions: number,
  turnsPerSession: number,
): Promise<Measured> {
  const [port, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const stateDir = makeStateDir({
    gateway: { port, auth: { token: TOKEN } },
    temporal: { dev: { port: temporalPort, uiPort, headless: true } },
    agent: { model: 'openai/fake-model' },
    providers: { openai: { apiKey: 'bench', baseUrl: llm.openaiBaseUrl } },
  });
  teardown.push(() => rmSync(stateDir, { recursive: true, force: true }));
  writeNote(join(stateDir, 'workspace'));
  const started = performance.now();
  const cli = spawnClawdbot(
    ['gateway', '--state-dir', stateDir],
    cleanEnv({ CLAWDBOT_LOG_LEVEL: 'warn' }),
  );
  const children: number[] = [];
  teardown.push(() => stopTree(cli, children));
  try {
    await waitForHealth(`http://127.0.0.1:${port}`, cli, 120_000);
    // The embedded Temporal server: if the gateway dies, it is orphaned, not stopped.
    children.push(...descendantPids(cli.child.pid!));
    console.log(`  healthy after ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const { client } = await TestClient.connected(`ws://127.0.0.1:${port}`, {
      auth: { token: TOKEN },
    });
    teardown.push(() => client.close());
    return await runLoad(client, 'embedded', sessions, turnsPerSession);
  } catch (error) {
    throw new Error(
      `${errorText(error)}\n--- clawdbot gateway output (tail)\n${tail(cli.output())}`,
    );
  }
}

async function cluster(
  llm: FakeLlmServer,
  infra: { postgres: RunningPostgres; temporal: RunningCluster },
  name: string,
  hosts: string[],
  teardown: Teardown,
  sessions: number,
  turnsPerSession: number,
): Promise<Measured> {
  const started = performance.now();
  const running = await startClawdbotCluster({ llm, hosts, infra });
  teardown.push(() => running.stop());
  console.log(
    `  gateway and ${hosts.length} worker(s) ready after ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  try {
    for (const host of running.hosts.values()) writeNote(host.workspace);
    const client = await running.connect();
    teardown.push(() => client.close());
    const measured = await runLoad(client, name, sessions, turnsPerSession);
    // Which host owns each session: its read_file runs on that host's workers only.
    const listed = await client.request('sessions.list', { search: `bench-${name}-` });
    const rows = (listed.payload as { sessions?: { host?: string }[] } | undefined)?.sessions;
    const owners: Record<string, number> = {};
    for (const row of rows ?? []) owners[row.host ?? '?'] = (owners[row.host ?? '?'] ?? 0) + 1;
    console.log(
      `  sessions per host: ${Object.entries(owners)
        .map(([host, count]) => `${host} ${count}`)
        .join(', ')}`,
    );
    return measured;
  } catch (error) {
    throw new Error(`${errorText(error)}\n--- cluster output (tail)\n${tail(running.output())}`);
  }
}

function report(measured: Measured): void {
  const errors = Object.entries(measured.errors);
  console.log(
    `  ${measured.turns} turns in ${(measured.wallMs / 1000).toFixed(1)} s: ${((1000 * measured.turns) / measured.wallMs).toFixed(1)} turns/s`,
  );
  console.log(`  first chat delta: ${summary(measured.deltas)}`);
  console.log(`  chat final:       ${summary(measured.finals)}`);
  console.log(
    `  errors: ${errors.length === 0 ? 'none' : errors.map(([error, count]) => `${count}× ${error}`).join('; ')}`,
  );
  console.log(
    `  1-min load average ${measured.loadBefore.toFixed(2)} before, ${measured.loadAfter.toFixed(2)} after`,
  );
}

function table(rows: Row[]): void {
  const columns: [string, number][] = [
    ['topology', 20],
    ['workers', 7],
    ['turns/s', 7],
    ['delta p50', 9],
    ['delta p99', 9],
    ['final p50', 9],
    ['final p99', 9],
    ['errors', 6],
    ['load', 5],
  ];
  const line = (cells: string[]) =>
    cells
      .map((cell, index) => {
        const width = columns[index]![1];
        return index === 0 ? cell.padEnd(width) : cell.padStart(width);
      })
      .join('  ');
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  console.log(`\n${line(columns.map(([title]) => title))}`);
  for (const { name, workers, measured, failure } of rows) {
    if (measured === undefined) {
      console.log(`${line([name, String(workers)])}  failed: ${failure?.split('\n')[0] ?? ''}`);
      continue;
    }
    const errors = Object.values(measured.errors).reduce((a, b) => a + b, 0);
    console.log(
      line([
        name,
        String(workers),
        ((1000 * measured.turns) / measured.wallMs).toFixed(1),
        ms(percentile(measured.deltas, 50)),
        ms(percentile(measured.deltas, 99)),
        ms(percentile(measured.finals, 50)),
        ms(percentile(measured.finals, 99)),
        String(errors),
        measured.loadAfter.toFixed(1),
      ]),
    );
  }
}

/** SIGKILL a process we started, if it is still there. */
function kill(pid: number): void {
  try {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}

/** SIGKILL whatever of our child processes is still there, and wait until it is gone. */
async function killDescendants(): Promise<void> {
  const left = descendantPids(process.pid);
  for (const pid of left) kill(pid);
  for (let waited = 0; waited < 50 && left.some(isAlive); waited++) await sleep(100);
}

async function main(): Promise<void> {
  const sessions = Number(process.argv[2] ?? 8);
  const turnsPerSession = Number(process.argv[3] ?? 25);
  // Every temp dir of the run (ours, the cluster harness's, PostgreSQL's, the Temporal
  // server's, the children's own) goes under this one, removed however the bench stops: a
  // cluster interrupted while starting has not told us its dirs yet. PostgreSQL runs as the
  // `postgres` user when we are root, so it must be able to pass through.
  const scratch = mkdtempSync(join(tmpdir(), 'clawdbot-bench-distributed-'));
  chmodSync(scratch, 0o711);
  process.env.TMPDIR = scratch;
  const teardown = new Teardown();
  let finished: Promise<void> | undefined;
  const finish = () =>
    (finished ??= (async () => {
      await teardown.unwind(0);
      // A cluster still starting is not in the teardown yet: its processes are our children.
      await killDescendants();
      rmSync(scratch, { recursive: true, force: true });
    })());
  let interrupted: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping what the bench started`);
    interrupted ??= finish().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await runTopologies(sessions, turnsPerSession, teardown, () => interrupted);
  } catch (error) {
    // Failures caused by the signal's own stopping (a child gone, a socket closed) are not news.
    if (interrupted) await interrupted;
    throw error;
  } finally {
    await finish();
  }
}

async function runTopologies(
  sessions: number,
  turnsPerSession: number,
  teardown: Teardown,
  interruption: () => Promise<void> | undefined,
): Promise<void> {
  const load = () =>
    loadavg()
      .map((value) => value.toFixed(2))
      .join(' ');
  console.log(
    `bench/distributed: ${sessions} sessions at once × ${turnsPerSession} one-tool turns each (LLM → read_file → LLM, fake LLM answering at once), after 1 warm-up turn per session; one WebSocket client per topology`,
  );
  console.log(
    `machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${load()} (other processes on the machine skew every number)`,
  );

  const llm = await startFakeLlmServer();
  teardown.push(() => llm.close());
  const rows: Row[] = [];
  /** Run one topology, stop what it started, and record its numbers or why it failed. */
  const topology = async (
    name: string,
    workers: number,
    body: () => Promise<Measured>,
  ): Promise<void> => {
    await interruption();
    const mark = teardown.mark;
    try {
      const measured = await body();
      report(measured);
      rows.push({ name, workers, measured });
    } catch (error) {
      await interruption();
      const message = errorText(error);
      console.log(`  FAILED: ${message}`);
      rows.push({ name, workers, failure: message });
    } finally {
      await teardown.unwind(mark);
    }
  };

  console.log(
    '\n1. embedded: `clawdbot gateway` (embedded Temporal dev server, in-process worker, sessions in files), 1 worker',
  );
  await topology('embedded', 1, () => embedded(llm, teardown, sessions, turnsPerSession));

  console.log(
    '\nPostgreSQL and the multi-service Temporal server on it, shared by the two cluster runs',
  );
  let infra: { postgres: RunningPostgres; temporal: RunningCluster } | undefined;
  let infraFailure = '';
  try {
    const started = performance.now();
    const postgres = await startPostgres();
    teardown.push(() => postgres.stop());
    const temporal = await startTemporalCluster({ postgres });
    teardown.push(() => temporal.stop());
    infra = { postgres, temporal };
    console.log(`  ready after ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    await interruption();
    infraFailure = errorText(error);
    console.log(`  FAILED: ${infraFailure}`);
  }
  const clusterRun = (name: string, hosts: string[]) => () =>
    infra === undefined
      ? Promise.reject(new Error(`no PostgreSQL/Temporal: ${infraFailure}`))
      : cluster(llm, infra, name, hosts, teardown, sessions, turnsPerSession);

  console.log(
    '\n2. cluster, 1 worker: gateway --no-worker + 1 `clawdbot worker` (sessions in PostgreSQL)',
  );
  await topology('cluster, 1 worker', 1, clusterRun('1w', ['bench-1w-a']));
  console.log(
    '\n3. cluster, 2 workers: gateway --no-worker + 2 `clawdbot worker` hosts (sessions in PostgreSQL)',
  );
  await topology('cluster, 2 workers', 2, clusterRun('2w', ['bench-2w-a', 'bench-2w-b']));

  table(rows);
  console.log(
    `\n(load: 1-min load average after the measured phase, on ${cpus().length} CPUs; end: ${load()})`,
  );
}

await main();
