/**
 * `autoStart`: spawn `signal-cli -a <account> daemon --http <host:port>` for the account
 * and wait until `/api/v1/check` answers. The child is stopped with the account. It runs
 * with the gateway's rights and data dir (signal-cli's default ~/.local/share/signal-cli).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../../core/logger.js';
import type { SignalRpcClient } from './rpc-client.js';

/** A spawned daemon. */
export interface SignalDaemon {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Spawn the daemon and wait for it to answer; throws with its output when it does not. */
export async function startSignalDaemon(options: {
  cliPath: string;
  account: string;
  httpUrl: string;
  client: SignalRpcClient;
  timeoutMs: number;
  logger: Logger;
  signal: AbortSignal;
}): Promise<SignalDaemon> {
  const url = new URL(options.httpUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const args = ['-a', options.account, 'daemon', '--http', `${url.hostname}:${port}`];
  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-2000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', (chunk: Buffer) => {
    keep(chunk);
    options.logger.debug(`signal-cli: ${chunk.toString('utf8').trimEnd()}`);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      output += `\n${error.message}`;
      resolve();
    });
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + options.timeoutMs;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (!(await options.client.check())) {
    if (gone || options.signal.aborted || Date.now() > deadline) {
      await stop();
      const why = gone ? 'exited' : 'did not answer in time';
      throw new Error(`signal-cli daemon ${why}: ${output.trim().slice(-500) || '(no output)'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  options.logger.info('signal-cli daemon started', { pid: child.pid, args });
  return { child, stop };
}
