/**
 * `imsg rpc`: JSON-RPC 2.0 over the child's stdin/stdout, one JSON object per line. The
 * child is restarted (backoff 0.5 s doubling to 30 s) whenever it exits; `onStarted` runs
 * after each start so the caller can subscribe again. With `remoteHost` the same command
 * runs through `ssh`, which forwards stdio.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '../../core/logger.js';

/** A JSON-RPC error answer. */
export class ImsgRpcError extends Error {
  override readonly name = 'ImsgRpcError';
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** How to run imsg and what to do with its notifications. */
export interface ImsgProcessOptions {
  cliPath: string;
  dbPath?: string;
  remoteHost?: string;
  logger: Logger;
  signal: AbortSignal;
  onNotification(method: string, params: Record<string, unknown>): void;
  /** After every (re)start: subscribe. A throw stops this child (it is restarted). */
  onStarted(): Promise<void>;
  onConnected(connected: boolean, reason?: string): void;
}

/** The command line of `imsg rpc`, local or over ssh. */
export function imsgCommand(
  options: Pick<ImsgProcessOptions, 'cliPath' | 'dbPath' | 'remoteHost'>,
): {
  command: string;
  args: string[];
} {
  const args = ['rpc', ...(options.dbPath ? ['--db', options.dbPath] : [])];
  if (!options.remoteHost) return { command: options.cliPath, args };
  // ssh joins its arguments into one remote shell line: quote each word.
  const quoted = [options.cliPath, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`);
  return {
    command: 'ssh',
    args: ['-T', '-o', 'BatchMode=yes', options.remoteHost, quoted.join(' ')],
  };
}

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/** A supervised `imsg rpc` child. */
export class ImsgProcess {
  private child: ChildProcessWithoutNullStreams | undefined;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve(value: unknown): void; reject(error: Error): void }
  >();
  private supervisor: Promise<void> = Promise.resolve();
  private firstStart: { resolve(): void; reject(error: Error): void } | undefined;

  constructor(private readonly options: ImsgProcessOptions) {}

  /**
   * Start supervising; resolves after the first child took `onStarted`, rejects with the
   * reason if that first child dies (no restart loop then: the caller's start failed).
   */
  start(): Promise<void> {
    const started = new Promise<void>((resolve, reject) => {
      this.firstStart = { resolve, reject };
    });
    this.supervisor = this.supervise();
    return started;
  }

  /** Resolves once the supervisor has ended (after the signal aborted). */
  get done(): Promise<void> {
    return this.supervisor;
  }

  /** Call `method`; rejects with ImsgRpcError on an error answer, Error when the child is gone. */
  request<T>(method: string, params: Record<string, unknown>): Promise<T> {
    const child = this.child;
    if (!child) return Promise.reject(new Error('imsg is not running'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  }

  /** Run one child until it exits; returns why it ended. */
  private runOnce(): Promise<string> {
    const { command, args } = imsgCommand(this.options);
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-1000);
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => this.onLine(line));
    const exited = new Promise<string>((resolve) => {
      child.once('error', (error) => resolve(`imsg could not start: ${error.message}`));
      child.once('exit', (code, signal) =>
        resolve(`imsg exited (${signal ?? code})${stderr ? `: ${stderr.trim().slice(-300)}` : ''}`),
      );
    });
    const abort = () => child.kill('SIGTERM');
    this.options.signal.addEventListener('abort', abort, { once: true });
    void exited.then(() => {
      this.options.signal.removeEventListener('abort', abort);
      if (this.child === child) this.child = undefined;
      for (const [id, waiter] of this.pending) {
        this.pending.delete(id);
        waiter.reject(new Error('imsg exited before answering'));
      }
    });
    void this.options
      .onStarted()
      .then(() => {
        this.options.onConnected(true);
        this.firstStart?.resolve();
        this.firstStart = undefined;
      })
      .catch((error: Error) => {
        this.options.logger.warn(`imsg did not take the subscription: ${error.message}`);
        child.kill('SIGTERM');
      });
    return exited;
  }

  private onLine(line: string): void {
    let message: {
      id?: number;
      method?: string;
      params?: unknown;
      result?: unknown;
      error?: { code?: number; message?: string };
    };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      this.options.logger.debug(`imsg wrote a line that is not JSON: ${line.slice(0, 200)}`);
      return;
    }
    if (message.id !== undefined && message.id !== null) {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error) {
        waiter.reject(
          new ImsgRpcError(message.error.message ?? 'imsg error', message.error.code ?? 0),
        );
      } else {
        waiter.resolve(message.result);
      }
      return;
    }
    if (message.method) {
      this.options.onNotification(
        message.method,
        (message.params ?? {}) as Record<string, unknown>,
      );
    }
  }

  private async supervise(): Promise<void> {
    let backoffMs = MIN_BACKOFF_MS;
    while (!this.options.signal.aborted) {
      const startedAt = Date.now();
      const reason = await this.runOnce();
      if (this.options.signal.aborted) break;
      if (this.firstStart) {
        // Never came up: the account's start fails with the reason (the channel manager
        // retries it and shows it), rather than a silent restart loop here.
        this.firstStart.reject(new Error(reason));
        this.firstStart = undefined;
        return;
      }
      this.options.onConnected(false, reason);
      this.options.logger.warn(`${reason}; restarting in ${backoffMs} ms`);
      // A child that ran for a while was healthy: start over from the short delay.
      if (Date.now() - startedAt > 60_000) backoffMs = MIN_BACKOFF_MS;
      await sleep(backoffMs, this.options.signal);
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    }
    this.firstStart?.reject(new Error('stopped before imsg started'));
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
