/**
 * Test helpers: a real gateway on 127.0.0.1:0 over a temp state dir (real config file,
 * real session store, real local bus), and a WebSocket client that records frames.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { loadConfig } from '../../core/config/load.js';
import type { ConfigInput } from '../../core/config/schema.js';
import { createLocalBus } from '../../core/events/local-bus.js';
import type { EventBus } from '../../core/events/types.js';
import type { HealthReport } from '../../core/health.js';
import { createLogger } from '../../core/logger.js';
import { statePaths, type StatePaths } from '../../core/paths.js';
import {
  PROTOCOL_VERSION,
  type EventFrame,
  type ResponseFrame,
} from '../../core/protocol/index.js';
import { createSessionStore, type SessionStore } from '../../core/sessions/index.js';
import { buildGatewayApp, type GatewayDeps } from '../app.js';

/** A running gateway for one test. */
export interface TestGateway {
  app: FastifyInstance;
  url: string;
  paths: StatePaths;
  bus: EventBus;
  store: SessionStore;
  close(): Promise<void>;
}

/** Options of a test gateway. */
export interface TestGatewayOptions {
  /** Written to clawdbot.json before start. */
  config?: ConfigInput;
  env?: NodeJS.ProcessEnv;
  ws?: GatewayDeps['ws'];
  /** Leave out optional deps, to test the UNAVAILABLE answers. */
  withoutStore?: boolean;
}

/** Start a gateway over a fresh temp state dir. */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const stateDir = mkdtempSync(join(tmpdir(), 'clawdbot-gateway-test-'));
  const paths = statePaths(stateDir);
  writeFileSync(paths.configFile, JSON.stringify(options.config ?? {}, null, 2));
  const env = options.env ?? {};
  const { config } = loadConfig(paths.configFile, env);
  const bus = createLocalBus();
  const store = createSessionStore(stateDir, { fsync: false });
  const startedAt = Date.now();
  // The gateway's own view of health; worker and Temporal are not part of these tests.
  const health = (): Promise<HealthReport> =>
    Promise.resolve({
      ok: true,
      ts: Date.now(),
      gateway: { status: 'ok', uptimeMs: Date.now() - startedAt },
      worker: { status: 'disabled' },
      temporal: { status: 'disabled' },
    });
  const app = await buildGatewayApp({
    config,
    health,
    bus,
    paths,
    env,
    logger: createLogger('gateway-test', 'silent'),
    ...(options.withoutStore ? {} : { store }),
    ...(options.ws ? { ws: options.ws } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    app,
    url: `ws://127.0.0.1:${address.port}`,
    paths,
    bus,
    store,
    async close() {
      await app.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Any frame the server sends. */
export type ServerFrame = EventFrame | ResponseFrame;

/** Connect params a test client sends unless told otherwise. */
export function connectParams(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    minProtocol: PROTOCOL_VERSION,
    maxProtocol: PROTOCOL_VERSION,
    client: { id: 'test', version: '1.0.0', platform: 'linux', mode: 'test' },
    role: 'operator',
    scopes: ['operator.admin'],
    ...overrides,
  };
}

/** A WebSocket client that records every frame and can await specific ones. */
export class TestClient {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: {
    match: (frame: ServerFrame) => boolean;
    resolve: (frame: ServerFrame) => void;
  }[] = [];
  private nextId = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as ServerFrame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(frame)) return true;
        waiter.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.on('error', () => undefined);
  }

  /** Open a socket (not yet connected at the protocol level). */
  static open(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
    const socket = new WebSocket(url, { headers });
    const client = new TestClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  /** Open and complete the handshake; returns the client and its hello-ok response. */
  static async connected(
    url: string,
    overrides: Record<string, unknown> = {},
  ): Promise<{ client: TestClient; hello: ResponseFrame }> {
    const client = await TestClient.open(url);
    await client.next((frame) => frame.type === 'event' && frame.event === 'connect.challenge');
    const hello = await client.request('connect', connectParams(overrides));
    if (!hello.ok) throw new Error(`connect failed: ${JSON.stringify(hello.error)}`);
    return { client, hello };
  }

  /** The first recorded or future frame matching `match`. */
  next(match: (frame: ServerFrame) => boolean, timeoutMs = 5000): Promise<ServerFrame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return this.upcoming(match, timeoutMs);
  }

  /** The first frame matching `match` among those not received yet. */
  upcoming(match: (frame: ServerFrame) => boolean, timeoutMs = 5000): Promise<ServerFrame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs);
      this.waiters.push({
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  /** The next event named `event` received after `afterCount` frames. */
  event(event: string, afterCount = 0, timeoutMs = 5000): Promise<EventFrame> {
    const index = (frame: ServerFrame) => this.frames.indexOf(frame);
    return this.next(
      (frame) => frame.type === 'event' && frame.event === event && index(frame) >= afterCount,
      timeoutMs,
    ) as Promise<EventFrame>;
  }

  /** Send a request and await its (first) response. */
  request(method: string, params?: unknown, id = `r${++this.nextId}`): Promise<ResponseFrame> {
    this.send({ type: 'req', id, method, ...(params === undefined ? {} : { params }) });
    return this.response(id);
  }

  /** The `n`th response (1-based) with this id. */
  response(id: string, n = 1, timeoutMs = 5000): Promise<ResponseFrame> {
    const isMine = (frame: ServerFrame) => frame.type === 'res' && frame.id === id;
    return this.next(
      (frame) => isMine(frame) && this.frames.filter(isMine).indexOf(frame) === n - 1,
      timeoutMs,
    ) as Promise<ResponseFrame>;
  }

  /** Send a value as JSON. */
  send(value: unknown): void {
    this.socket.send(JSON.stringify(value));
  }

  /** Send raw text or bytes. */
  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  close(): void {
    this.socket.close();
  }
}
