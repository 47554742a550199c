// bench/gateway: the gateway's own cost, as OpenClaw-protocol WebSocket clients see it.
// 1. Latency: one client (plain `ws`, real handshake) sends `chat.send` and times the first
//    `chat` delta and the `final` of its run, next to the same run's RunEvents on the
//    in-process bus, so the gateway's share is the difference. Starts its own Temporal dev
//    server (the embedded runtime's settings), an in-process worker, the fake LLM and the
//    gateway app over them (test/helpers/agent-harness.ts), as `clawdbot gateway` does.
// 2. Fan-out: a gateway alone in a child process (its RSS is the gateway's own) and the
//    clients in another child process; synthetic runs are published on the gateway's bus at
//    a steady rate (the real hub → broadcast path) and every client counts what it receives.
// Run: npm run bench:gateway [-- turns clients seconds runEventsPerSecond]
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { RunEvent, RunPart } from '../core/events/types.js';
import { packageRoot } from '../core/paths.js';
import { type EventFrame, type ResponseFrame } from '../core/protocol/index.js';
import type { TestGateway } from '../gateway/ws/test-harness.js';
import {
  clientTurn,
  connectParams,
  now,
  ProtocolClient,
  type ClientTurn,
} from './protocol-client.js';
import { percentile, summary } from './stats.js';

const ROLE_VARIABLE = 'CLAWDBOT_BENCH_GATEWAY_ROLE';

type Cleanup = () => unknown;
type ServerFrame = EventFrame | ResponseFrame;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (value: number) => `${value.toFixed(2)} ms`;

// ---------------------------------------------------------------------------------------
// 1. First-delta latency through the WebSocket
// ---------------------------------------------------------------------------------------

/** When a run's RunEvents were published on the bus: epoch ms of the gateway's clock. */
interface BusRun {
  start: number;
  step: number;
  delta: number;
  finish: number;
}

/** Offset of a child's clock from ours (child minus parent), from the fastest of many IPC round trips. */
async function clockOffset(child: Child): Promise<{ offset: number; rtt: number }> {
  let best = { offset: 0, rtt: Number.POSITIVE_INFINITY };
  for (let i = 0; i < 50; i++) {
    const sent = now();
    const theirs = await child.call<number>('clock');
    const back = now();
    if (back - sent < best.rtt) best = { offset: theirs - (sent + back) / 2, rtt: back - sent };
  }
  return best;
}

async function latencyBench(turns: number, cleanups: Cleanup[]): Promise<void> {
  // Imported here, not at the top: the child processes (this file again) must not load
  // Temporal's native runtime, or the gateway child's RSS would not be the gateway's.
  const { startBenchTemporal } = await import('./setup.js');
  const { createLogger } = await import('../core/logger.js');
  const { startGatewayHarness } = await import('../test/helpers/agent-harness.js');
  const { startFakeLlmServer } = await import('../test/fakes/llm-server.js');
  const sessions = 20;
  const logger = createLogger('bench', 'warn');
  const dir = mkdtempSync(join(tmpdir(), 'clawdbot-bench-gateway-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const llm = await startFakeLlmServer();
  cleanups.push(() => llm.close());
  const server = await startBenchTemporal(dir, logger);
  cleanups.push(() => server.stop());
  const gateway = await startGatewayHarness({
    temporalAddress: server.address,
    llm,
    provider: 'openai',
  });
  const stateDir = gateway.harness.paths.stateDir;
  cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
  cleanups.push(() => gateway.close());
  const bus = new Map<string, BusRun>();
  gateway.harness.bus.subscribe((event) => {
    const at = now();
    let run = bus.get(event.runId);
    if (run === undefined) {
      run = { start: NaN, step: NaN, delta: NaN, finish: NaN };
      bus.set(event.runId, run);
    }
    const { type } = event.part;
    if (type === 'run-start') run.start = at;
    else if (type === 'step-start' && Number.isNaN(run.step)) run.step = at;
    else if (type === 'text-delta' && Number.isNaN(run.delta)) run.delta = at;
    else if (type === 'run-finish') run.finish = at;
  });
  // The client runs in a process of its own, as a real one would: its socket reads do not
  // wait for this event loop (worker, gateway and fake LLM) to get round to them.
  const client = spawnRole('clients');
  cleanups.push(() => client.stop());
  const clockBefore = await clockOffset(client);
  const cpuBefore = process.cpuUsage();
  const measured = await client.call<ClientTurn[]>('latency', {
    url: gateway.url.replace(/^http/, 'ws'),
    sessions,
    warmup: 3 * sessions,
    turns,
  });
  const cpu = process.cpuUsage(cpuBefore);
  const clockAfter = await clockOffset(client);
  const offset = (clockBefore.offset + clockAfter.offset) / 2;
  const uncertainty =
    Math.max(clockBefore.rtt, clockAfter.rtt) / 2 +
    Math.abs(clockBefore.offset - clockAfter.offset) / 2;

  // Everything in milliseconds from chat.send leaving the client, on our clock.
  const rows = measured.map((turn) => {
    const sent = turn.sent - offset;
    const run = bus.get(turn.runId);
    if (run === undefined) throw new Error(`no RunEvents seen for ${turn.runId}`);
    return {
      ack: turn.ack - turn.sent,
      delta: turn.delta - turn.sent,
      final: turn.final - turn.sent,
      busStart: run.start - sent,
      busStep: run.step - sent,
      busDelta: run.delta - sent,
      busFinish: run.finish - sent,
      shareDelta: turn.delta - offset - run.delta,
      shareFinal: turn.final - offset - run.finish,
    };
  });
  type Row = (typeof rows)[number];
  const column = (pick: (row: Row) => number) => summary(rows.map(pick));
  const share = (pick: (row: Row) => number) => {
    const values = rows.map(pick);
    return `p50 ${ms(percentile(values, 50))}   p99 ${ms(percentile(values, 99))}   max ${ms(Math.max(...values))}`;
  };
  const wall = measured.at(-1)!.final - measured[0]!.sent;
  console.log(
    `\n1. chat.send over the WebSocket: ${turns} sequential plain-text turns over ${sessions} warm sessions (${3 * sessions} warm-up turns first), fake LLM answering at once`,
  );
  console.log(
    '  gateway + worker + fake LLM in this process (as `clawdbot gateway` runs), the client in a child process',
  );
  console.log('  at the WebSocket client, from chat.send sent:');
  console.log(`    chat.send response (res):      ${column((r) => r.ack)}`);
  console.log(`    first chat event, state delta: ${column((r) => r.delta)}`);
  console.log(`    chat event, state final:       ${column((r) => r.final)}`);
  console.log('  the same turns at the in-process bus (RunEvents, for reference):');
  console.log(`    run-start (turn.prepare done): ${column((r) => r.busStart)}`);
  console.log(`    step-start (LLM call begins):  ${column((r) => r.busStep)}`);
  console.log(`    first text-delta:              ${column((r) => r.busDelta)}`);
  console.log(`    run-finish:                    ${column((r) => r.busFinish)}`);
  console.log(
    `  the gateway's own share (bus publish → client socket read, per turn; clocks matched within ±${uncertainty.toFixed(2)} ms):`,
  );
  console.log(`    first delta: ${share((r) => r.shareDelta)}`);
  console.log(`    final:       ${share((r) => r.shareFinal)}`);
  console.log(
    `  sequential throughput ${(turns / (wall / 1000)).toFixed(1)} turns/s; this process (gateway + worker + fake LLM) ${((cpu.user + cpu.system) / 1000 / (turns + 3 * sessions)).toFixed(1)} ms CPU per turn`,
  );
}

// ---------------------------------------------------------------------------------------
// 2. Fan-out: child processes and the messages between them
// ---------------------------------------------------------------------------------------

interface RpcRequest {
  id: number;
  op: string;
  args?: unknown;
}
interface RpcResponse {
  id: number;
  result?: unknown;
  error?: string;
}

/** A bench child process answering requests over the IPC channel. */
class Child {
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    process.on('message', (message: RpcResponse) => {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(`${name}: ${message.error}`));
      else waiter?.resolve(message.result);
    });
    this.exited = new Promise((resolve) =>
      process.once('exit', (code, signal) => {
        for (const waiter of this.pending.values())
          waiter.reject(new Error(`${name} process exited (${signal ?? code})`));
        this.pending.clear();
        resolve();
      }),
    );
  }

  call<T>(op: string, args?: unknown): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      if (!this.process.connected) {
        reject(new Error(`${this.name} process is gone`));
        return;
      }
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.process.send({ id, op, args } satisfies RpcRequest, (error) => {
        if (error === null) return;
        this.pending.delete(id);
        reject(error);
      });
    });
  }

  /** Ask it to stop; kill it if it has not exited within a few seconds. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.call('stop').catch(() => undefined);
    const exited = await Promise.race([this.exited.then(() => true), sleep(5000, false)]);
    if (!exited) {
      this.process.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** Run this file again as a child process with `role`. */
function spawnRole(role: 'gateway' | 'clients'): Child {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [join(packageRoot, 'bin', 'run-ts.js'), self], {
    env: { ...process.env, [ROLE_VARIABLE]: role },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Child(role, child);
}

/** Serve requests from the parent; `stop` is answered and then ends the process. */
function serveParent(
  handlers: Record<string, (args: unknown) => Promise<unknown>>,
  stop: () => Promise<void>,
): void {
  let stopping: Promise<void> | undefined;
  const end = () => (stopping ??= stop().finally(() => process.exit(0)));
  process.on('message', (message: RpcRequest) => {
    const reply = (response: Omit<RpcResponse, 'id'>) => {
      if (process.connected) process.send!({ id: message.id, ...response });
    };
    if (message.op === 'stop') {
      reply({ result: null });
      void end();
      return;
    }
    const handler = handlers[message.op];
    if (handler === undefined) {
      reply({ error: `unknown op ${message.op}` });
      return;
    }
    handler(message.args).then(
      (result) => reply({ result }),
      (error: unknown) => reply({ error: String(error) }),
    );
  });
  // The parent went away (crashed, killed): do not outlive it.
  process.on('disconnect', () => void end());
  process.on('SIGTERM', () => void end());
  process.on('SIGINT', () => void end());
}

interface GatewayStats {
  rss: number;
  /** Highest RSS seen since the previous `stats`. */
  rssPeak: number;
  heapUsed: number;
  connections: number;
}

interface PublishResult {
  runEvents: number;
  frames: number;
  elapsedMs: number;
  skipped: number;
  cpuMs: number;
  rssMax: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const DELTAS_PER_RUN = 50;

/** Synthetic runs: run-start, step-start, 50 text-deltas, run-finish — and the frames each causes. */
function syntheticRuns(): () => { event: RunEvent; frames: number } {
  let run = 0;
  let index = 0;
  let text = '';
  return () => {
    const runId = `fanout-${run}`;
    const sessionKey = 'agent:main:fanout';
    const ts = Date.now();
    let part: RunPart;
    let frames: number;
    if (index === 0) {
      part = { type: 'run-start', startedAt: ts };
      frames = 1;
    } else if (index === 1) {
      part = { type: 'step-start', step: 1, model: 'openai/fake-model' };
      text = '';
      frames = 0;
    } else if (index < DELTAS_PER_RUN + 2) {
      const delta = `word${index} `;
      text += delta;
      part = { type: 'text-delta', step: 1, delta, text };
      frames = 2;
    } else {
      part = { type: 'run-finish', endedAt: ts, status: 'ok' };
      frames = 2;
    }
    const event: RunEvent = {
      runId,
      sessionKey,
      turnId: `turn:${sessionKey}:${runId}`,
      ts,
      part,
    };
    if (++index > DELTAS_PER_RUN + 2) {
      index = 0;
      run += 1;
    }
    return { event, frames };
  };
}

/** The gateway child: the real app (local bus, no agent) and a steady publisher on its bus. */
function gatewayRole(): void {
  let gateway: TestGateway | undefined;
  // Peak RSS between two `stats` calls, sampled on a timer.
  let rssPeak = 0;
  setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 100).unref();
  const stats = (): GatewayStats => {
    const rss = process.memoryUsage.rss();
    const result = {
      rss,
      rssPeak: Math.max(rssPeak, rss),
      heapUsed: process.memoryUsage().heapUsed,
      connections: gateway?.app.wsGateway.connectionCount() ?? 0,
    };
    rssPeak = 0;
    return result;
  };
  serveParent(
    {
      async start() {
        const { startTestGateway } = await import('../gateway/ws/test-harness.js');
        gateway = await startTestGateway();
        return { url: gateway.url, stateDir: gateway.paths.stateDir, pid: process.pid };
      },
      stats: () => Promise.resolve(stats()),
      publish(args) {
        const { rate, seconds } = args as { rate: number; seconds: number };
        const bus = gateway!.bus;
        const next = syntheticRuns();
        const loop = monitorEventLoopDelay({ resolution: 5 });
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        const durationMs = seconds * 1000;
        // Never catch up more than 50 ms of backlog at once: a saturated gateway publishes
        // less (reported as skipped) instead of in ever larger bursts.
        const maxBurst = Math.max(1, Math.ceil(rate * 0.05));
        let runEvents = 0;
        let frames = 0;
        let skipped = 0;
        let rssMax = process.memoryUsage.rss();
        let lastRssSample = started;
        loop.enable();
        return new Promise<PublishResult>((resolve) => {
          const tick = setInterval(() => {
            const now = performance.now();
            const elapsed = Math.min(now - started, durationMs);
            let due = Math.floor((rate * elapsed) / 1000) - runEvents - skipped;
            if (due > maxBurst) {
              skipped += due - maxBurst;
              due = maxBurst;
            }
            for (let i = 0; i < due; i++) {
              const { event, frames: caused } = next();
              bus.publish(event);
              runEvents += 1;
              frames += caused;
            }
            if (now - lastRssSample >= 200) {
              rssMax = Math.max(rssMax, process.memoryUsage.rss());
              lastRssSample = now;
            }
            if (now - started >= durationMs) {
              clearInterval(tick);
              loop.disable();
              const cpu = process.cpuUsage(cpuBefore);
              resolve({
                runEvents,
                frames,
                elapsedMs: performance.now() - started,
                skipped,
                cpuMs: (cpu.user + cpu.system) / 1000,
                rssMax: Math.max(rssMax, process.memoryUsage.rss()),
                loopDelayP99Ms: loop.percentile(99) / 1e6,
                loopDelayMaxMs: loop.max / 1e6,
              });
            }
          }, 5);
        });
      },
    },
    async () => {
      await gateway?.close();
    },
  );
}

interface ClientCounts {
  open: number;
  runFrames: number[];
  presenceFrames: number;
  bytes: number;
  gaps: number;
  closes: Record<string, number>;
  cpuMs: number;
}

const EVENT_PREFIX = Buffer.from('{"type":"event","event":"');
const SEQ_KEY = Buffer.from('"seq":');

/** The event name of a broadcast frame, read without parsing the JSON (the server writes `type` then `event`). */
function eventName(data: Buffer): string {
  if (data.compare(EVENT_PREFIX, 0, EVENT_PREFIX.length, 0, EVENT_PREFIX.length) !== 0) return '';
  const end = data.indexOf(0x22, EVENT_PREFIX.length);
  return data.toString('latin1', EVENT_PREFIX.length, end);
}

/** The frame's gateway-wide seq: the last `"seq":` of the frame (payloads' own seq come earlier). */
function frameSeq(data: Buffer): number | undefined {
  const at = data.lastIndexOf(SEQ_KEY);
  if (at < 0) return undefined;
  let value = 0;
  for (let i = at + SEQ_KEY.length; i < data.length; i++) {
    const digit = data[i]! - 0x30;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}

/** The clients child: N handshaken OpenClaw clients that count what they receive. */
function clientsRole(): void {
  const sockets: WebSocket[] = [];
  let runFrames: number[] = [];
  let presenceFrames = 0;
  let bytes = 0;
  let gaps = 0;
  let closes: Record<string, number> = {};
  let cpuBefore = process.cpuUsage();
  const lastSeq: number[] = [];
  const joinedClients: boolean[] = [];

  const onBroadcast = (index: number, data: Buffer) => {
    const name = eventName(data);
    if (name === 'agent' || name === 'chat') runFrames[index]! += 1;
    else if (name === 'presence') presenceFrames += 1;
    const seq = frameSeq(data);
    if (seq === undefined) return;
    const last = lastSeq[index]!;
    if (last !== 0 && seq !== last + 1) gaps += seq - last - 1;
    lastSeq[index] = seq;
  };

  const connectOne = (url: string, index: number) =>
    new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false });
      let joined = false;
      const timer = setTimeout(() => {
        reject(new Error('handshake took over 60 s'));
        socket.terminate();
      }, 60_000);
      socket.on('message', (data: Buffer) => {
        bytes += data.length;
        if (joined) {
          onBroadcast(index, data);
          return;
        }
        const frame = JSON.parse(data.toString('utf8')) as ServerFrame;
        if (frame.type === 'event' && frame.event === 'connect.challenge') {
          socket.send(
            JSON.stringify({
              type: 'req',
              id: 'connect',
              method: 'connect',
              params: connectParams,
            }),
          );
        } else if (frame.type === 'res' && frame.id === 'connect') {
          clearTimeout(timer);
          if (!frame.ok) {
            reject(new Error(`connect refused: ${frame.error?.message}`));
            return;
          }
          joined = true;
          joinedClients[index] = true;
          resolve();
        }
      });
      socket.on('close', (code, reason) => {
        clearTimeout(timer);
        const key = `${code} ${reason.toString() || '(no reason)'}`;
        closes[key] = (closes[key] ?? 0) + 1;
        if (!joined) reject(new Error(`closed during handshake: ${key}`));
      });
      socket.on('error', (error) => {
        if (!joined) reject(error);
      });
      sockets[index] = socket;
    });

  serveParent(
    {
      clock: () => Promise.resolve(now()),
      async latency(args) {
        const { url, sessions, warmup, turns } = args as {
          url: string;
          sessions: number;
          warmup: number;
          turns: number;
        };
        const client = await ProtocolClient.connect(url);
        try {
          const sessionKey = (i: number) => `agent:main:bench-${i % sessions}`;
          for (let i = 0; i < warmup; i++) await clientTurn(client, sessionKey(i), `warm-${i}`);
          const measured: ClientTurn[] = [];
          for (let i = 0; i < turns; i++)
            measured.push(await clientTurn(client, sessionKey(i), `bench-${i}`));
          return measured;
        } finally {
          client.close();
        }
      },
      async connect(args) {
        const { url, count, concurrency, deadlineMs } = args as {
          url: string;
          count: number;
          concurrency: number;
          deadlineMs: number;
        };
        runFrames = new Array<number>(count).fill(0);
        lastSeq.length = 0;
        lastSeq.push(...new Array<number>(count).fill(0));
        const started = performance.now();
        const errors: Record<string, number> = {};
        const milestones: { joined: number; ms: number }[] = [];
        const step = Math.max(1, Math.round(count / 10));
        let next = 0;
        let connected = 0;
        const lane = async () => {
          // Stop opening sockets past the deadline: the joins already made are measured.
          while (next < count && performance.now() - started < deadlineMs) {
            const index = next++;
            try {
              await connectOne(url, index);
              connected += 1;
              if (connected % step === 0)
                milestones.push({ joined: connected, ms: performance.now() - started });
            } catch (error) {
              const key = error instanceof Error ? error.message : String(error);
              errors[key] = (errors[key] ?? 0) + 1;
            }
          }
        };
        await Promise.all(Array.from({ length: concurrency }, lane));
        return { connected, attempted: next, errors, milestones, ms: performance.now() - started };
      },
      reset() {
        runFrames.fill(0);
        presenceFrames = 0;
        bytes = 0;
        gaps = 0;
        closes = {};
        cpuBefore = process.cpuUsage();
        return Promise.resolve(null);
      },
      counts() {
        const cpu = process.cpuUsage(cpuBefore);
        const counts: ClientCounts = {
          open: sockets.filter((socket) => socket.readyState === WebSocket.OPEN).length,
          runFrames: runFrames.filter((_frames, index) => joinedClients[index]),
          presenceFrames,
          bytes,
          gaps,
          closes,
          cpuMs: (cpu.user + cpu.system) / 1000,
        };
        return Promise.resolve(counts);
      },
    },
    async () => {
      for (const socket of sockets) socket.terminate();
      await sleep(50);
    },
  );
}

/**
 * The open-file limit our children get. Node raises its own soft limit to the hard one at
 * start-up, so this is the hard limit unless something lowered it since.
 */
function openFileLimit(): number {
  const text = execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  return text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text);
}

async function fanoutBench(
  requested: number,
  seconds: number,
  rate: number,
  cleanups: Cleanup[],
): Promise<void> {
  // Each child holds one end of every socket, plus what Node itself opens.
  const spare = 100;
  const limit = openFileLimit();
  const clients = Math.min(requested, Math.max(0, limit - spare));
  console.log(
    `\n2. fan-out: ${clients} OpenClaw clients (one child process) ← the gateway alone in another child process (the RSS below is its own)`,
  );
  if (clients < requested) {
    console.log(
      `  OPEN-FILE LIMIT TOO LOW: ${requested} clients need ~${requested + spare} descriptors in each process, ulimit -n is ${limit} (hard limit; Node raises the soft one to it); running with ${clients} clients. Raise it: ulimit -Hn ${requested + spare} as root, or nofile in /etc/security/limits.conf`,
    );
  } else {
    console.log(`  open-file limit ${limit}: enough for ${requested} sockets per process`);
  }
  if (clients === 0) return;

  const gateway = spawnRole('gateway');
  const swarm = spawnRole('clients');
  // Clients go after the gateway: it skips presence broadcasts while shutting down, whereas
  // each client leaving a running gateway would broadcast the presence list to the others.
  cleanups.push(async () => {
    await gateway.stop();
    await swarm.stop();
  });
  const { url, stateDir } = await gateway.call<{ url: string; stateDir: string }>('start');
  cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
  const idle = await gateway.call<GatewayStats>('stats');

  const concurrency = 20;
  const connectDeadlineMs = 60_000;
  const connect = await swarm.call<{
    connected: number;
    attempted: number;
    errors: Record<string, number>;
    milestones: { joined: number; ms: number }[];
    ms: number;
  }>('connect', { url, count: clients, concurrency, deadlineMs: connectDeadlineMs });
  const joinedCounts = await swarm.call<ClientCounts>('counts');
  const connectedStats = await gateway.call<GatewayStats>('stats');
  console.log(
    `  connect + handshake: ${connect.connected} of ${clients} clients joined in ${(connect.ms / 1000).toFixed(1)} s (${concurrency} at a time${connect.attempted < clients ? `; stopped opening sockets after ${connectDeadlineMs / 1000} s` : ''}); the gateway counts ${connectedStats.connections}`,
  );
  console.log(
    `    joined by: ${connect.milestones.map(({ joined, ms: at }) => `${joined} at ${(at / 1000).toFixed(1)} s`).join(', ')}`,
  );
  for (const [error, count] of Object.entries(connect.errors))
    console.log(`    ${count} failed: ${error}`);
  console.log(
    `    while they joined, the clients received ${joinedCounts.presenceFrames} presence frames, ${mb(joinedCounts.bytes)} in all (each join broadcasts the whole presence list to every client)`,
  );
  if (connect.connected < clients) {
    // The k-th join sends a list of k+1 entries to k clients: bytes grow with the cube of k.
    const cubes = (n: number) => (n * (n + 1) * (2 * n + 1)) / 6;
    const projected = (joinedCounts.bytes / cubes(connect.connected)) * cubes(clients);
    console.log(
      `    at that cost, joining all ${clients} would move ~${(projected / 1024 ** 3).toFixed(0)} GB of presence frames`,
    );
  }
  const joinCloses = Object.entries(joinedCounts.closes);
  if (joinCloses.length > 0)
    console.log(`    closed while joining: ${joinCloses.map(([k, n]) => `${n}× ${k}`).join(', ')}`);
  if (connect.connected === 0) return;

  // Let the join traffic drain before the measured window.
  for (let quiet = 0, last = -1, waited = 0; quiet < 2 && waited < 40; waited++) {
    await sleep(250);
    const { bytes } = await swarm.call<ClientCounts>('counts');
    quiet = bytes === last ? quiet + 1 : 0;
    last = bytes;
  }
  await swarm.call('reset');
  const publish = await gateway.call<PublishResult>('publish', { rate, seconds });
  const inWindow = await swarm.call<ClientCounts>('counts');
  // Drain: what was still in flight when publishing stopped.
  const total = (counts: ClientCounts) => counts.runFrames.reduce((a, b) => a + b, 0);
  let drained = inWindow;
  for (let quiet = 0, waited = 0; quiet < 3 && waited < 40; waited++) {
    await sleep(250);
    const counts = await swarm.call<ClientCounts>('counts');
    quiet = total(counts) === total(drained) ? quiet + 1 : 0;
    drained = counts;
  }
  const after = await gateway.call<GatewayStats>('stats');

  const windowS = publish.elapsedMs / 1000;
  const deliveredInWindow = total(inWindow);
  const deliveredTotal = total(drained);
  const expected = publish.frames * connect.connected;
  const perClient = inWindow.runFrames.map((frames) => frames / windowS);
  console.log(
    `  offered for ${seconds} s: ${rate} RunEvents/s on the gateway's bus (what it cannot fan out in time is skipped, so "published" is its capacity), synthetic runs (run-start, step-start, ${DELTAS_PER_RUN} text-deltas, run-finish; a text-delta becomes an agent and a chat frame)`,
  );
  console.log(
    `  published: ${(publish.runEvents / windowS).toFixed(0)} RunEvents/s over ${windowS.toFixed(1)} s = ${(publish.frames / windowS).toFixed(0)} agent/chat frames/s to each client${publish.skipped > 0 ? ` (${publish.skipped} RunEvents skipped: the gateway fell behind the offered rate)` : ''}`,
  );
  console.log(
    `  delivered during the window: ${(deliveredInWindow / windowS).toFixed(0)} frames/s summed over all clients; per client p50 ${percentile(perClient, 50).toFixed(0)}, min ${Math.min(...perClient).toFixed(0)}, max ${Math.max(...perClient).toFixed(0)} frames/s`,
  );
  console.log(
    `    after draining: ${deliveredTotal} of ${expected} frames (${((100 * deliveredTotal) / Math.max(1, expected)).toFixed(2)}%), seq gaps ${drained.gaps}, clients still open ${drained.open}/${connect.connected}`,
  );
  const streamCloses = Object.entries(drained.closes);
  const slow = drained.closes['1008 slow consumer'] ?? 0;
  console.log(
    `  slow-consumer disconnects: ${slow}${streamCloses.length > 0 ? ` (all closes: ${streamCloses.map(([k, n]) => `${n}× ${k}`).join(', ')})` : ''}`,
  );
  console.log(
    `  CPU during the window: gateway ${((100 * publish.cpuMs) / publish.elapsedMs).toFixed(0)}% of a core, clients ${((100 * inWindow.cpuMs) / publish.elapsedMs).toFixed(0)}%; gateway event-loop delay p99 ${publish.loopDelayP99Ms.toFixed(1)} ms, max ${publish.loopDelayMaxMs.toFixed(1)} ms`,
  );
  console.log(
    `  gateway RSS: ${mb(idle.rss)} with no client, ${mb(connectedStats.rss)} with ${connectedStats.connections} connected (peak ${mb(connectedStats.rssPeak)} while they joined), peak ${mb(publish.rssMax)} during the stream, ${mb(after.rss)} after (heap ${mb(after.heapUsed)}; RSS includes the tsx loader the bench runs under)`,
  );
}

// ---------------------------------------------------------------------------------------

/** What the running part of the bench started, and its stopping once begun. */
interface Phase {
  cleanups: Cleanup[];
  stopping?: Promise<void>;
}
let current: Phase | undefined;

/** Stop what a phase started, last first; once, however many ask (its end, a signal). */
function stopPhase(phase: Phase): Promise<void> {
  return (phase.stopping ??= (async () => {
    for (const cleanup of phase.cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`cleanup failed: ${String(error)}`);
      }
    }
  })());
}

/** Run a part of the bench, then stop what it started, even when it failed. */
async function runPhase(body: (cleanups: Cleanup[]) => Promise<void>): Promise<void> {
  const phase: Phase = { cleanups: [] };
  current = phase;
  try {
    await body(phase.cleanups);
  } finally {
    await stopPhase(phase);
  }
}

async function main(): Promise<void> {
  const turns = Number(process.argv[2] ?? 200);
  const clients = Number(process.argv[3] ?? 1000);
  const seconds = Number(process.argv[4] ?? 10);
  const rate = Number(process.argv[5] ?? 200);
  // The Temporal SDK's own INFO lines (worker state changes) would drown the numbers.
  const { DefaultLogger, Runtime } = await import('@temporalio/worker');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  let interrupted: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping what the bench started`);
    interrupted ??= (current ? stopPhase(current) : Promise.resolve()).finally(() =>
      process.exit(130),
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const load = () =>
    loadavg()
      .map((value) => value.toFixed(2))
      .join(' ');
  console.log(
    `bench/gateway on ${cpus().length} CPUs, load average ${load()} (other processes on the machine skew every number)`,
  );
  try {
    if (turns > 0) await runPhase((cleanups) => latencyBench(turns, cleanups));
    if (clients > 0) await runPhase((cleanups) => fanoutBench(clients, seconds, rate, cleanups));
  } catch (error) {
    // Failures caused by the signal's own stopping (a child gone, a socket closed) are not news.
    if (interrupted) await interrupted;
    throw error;
  }
  console.log(`\nload average at the end: ${load()}`);
}

const role = process.env[ROLE_VARIABLE];
if (role === 'gateway') gatewayRole();
else if (role === 'clients') clientsRole();
else await main();
