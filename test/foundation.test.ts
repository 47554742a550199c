import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NativeConnection } from '@temporalio/worker';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { freePort } from '../core/net.js';
import {
  cleanEnv,
  descendantPids,
  isAlive,
  makeStateDir,
  spawnClawdbot,
  waitForHealth,
  type CliProcess,
} from './helpers/cli-process.js';

const running: CliProcess[] = [];
afterEach(() => {
  for (const cli of running.splice(0)) {
    for (const pid of descendantPids(cli.child.pid!)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    cli.child.kill('SIGKILL');
  }
});

function start(args: string[], env = cleanEnv()): CliProcess {
  const cli = spawnClawdbot(args, env);
  running.push(cli);
  return cli;
}

async function waitUntil(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('clawdbot gateway, embedded', () => {
  it('starts Temporal (with UI), worker and gateway; /health is green; SIGTERM leaves no process', async () => {
    const [port, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
    const stateDir = makeStateDir({
      gateway: { port },
      temporal: { dev: { port: temporalPort, uiPort } },
    });
    const cli = start(['gateway', '--state-dir', stateDir]);
    const health = await waitForHealth(`http://127.0.0.1:${port}`, cli);

    expect(health.gateway.status).toBe('ok');
    expect(health.worker).toMatchObject({ status: 'ok', taskQueue: 'clawdbot' });
    expect(health.temporal).toMatchObject({
      status: 'ok',
      address: `127.0.0.1:${temporalPort}`,
      embedded: true,
      uiUrl: `http://127.0.0.1:${uiPort}`,
    });
    const ui = await fetch(`http://127.0.0.1:${uiPort}/`);
    expect(ui.status).toBe(200);
    expect(existsSync(join(stateDir, 'temporal', 'temporal.db'))).toBe(true);

    const children = descendantPids(cli.child.pid!);
    expect(children.length).toBeGreaterThan(0);
    cli.child.kill('SIGTERM');
    const exit = await cli.exited;
    expect(exit.code).toBe(0);
    await waitUntil(() => children.every((pid) => !isAlive(pid)));
    expect(cli.output()).toMatch(
      /gateway stopped[\s\S]*worker stopped[\s\S]*Temporal server stopped/,
    );
  });

  it('reports a crash of the embedded Temporal server and exits non-zero', async () => {
    const [port, temporalPort] = [await freePort(), await freePort()];
    const stateDir = makeStateDir({
      gateway: { port },
      temporal: { dev: { port: temporalPort, headless: true } },
    });
    const cli = start(['gateway', '--state-dir', stateDir]);
    await waitForHealth(`http://127.0.0.1:${port}`, cli);
    const [server] = descendantPids(cli.child.pid!);
    process.kill(server!, 'SIGKILL');
    const exit = await cli.exited;
    expect(exit.code).toBe(1);
    expect(cli.output()).toContain('exited unexpectedly (signal SIGKILL)');
  });

  it('reuses a Temporal server already listening on its port', async () => {
    const shared = inject('temporalAddress');
    const port = await freePort();
    const stateDir = makeStateDir({ gateway: { port }, temporal: { taskQueue: `reuse-${port}` } });
    const cli = start([
      'gateway',
      '--state-dir',
      stateDir,
      '--temporal-port',
      shared.split(':')[1]!,
    ]);
    const health = await waitForHealth(`http://127.0.0.1:${port}`, cli);
    expect(health.temporal).toMatchObject({ status: 'ok', address: shared, embedded: false });
    expect(descendantPids(cli.child.pid!)).toEqual([]);
  });

  it('refuses a Temporal port taken by something that is not Temporal, with a clear message', async () => {
    const blocker: Server = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 200 OK\r\n\r\nhello');
    });
    const busy = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const cli = start([
        'gateway',
        '--state-dir',
        makeStateDir(),
        '--port',
        String(await freePort()),
        '--temporal-port',
        String(busy),
      ]);
      const exit = await cli.exited;
      expect(exit.code).toBe(1);
      expect(cli.output()).toContain(
        `TEMPORAL_PORT_BUSY: Port ${busy} on 127.0.0.1 is in use by something that is not a Temporal server`,
      );
    } finally {
      blocker.close();
    }
  });
});

describe('clawdbot against a given Temporal address', () => {
  it('gateway --temporal-address --no-worker starts no child and no worker', async () => {
    const address = inject('temporalAddress');
    const port = await freePort();
    const stateDir = makeStateDir({ temporal: { taskQueue: `noworker-${port}` } });
    const cli = start([
      'gateway',
      '--state-dir',
      stateDir,
      '--port',
      String(port),
      '--temporal-address',
      address,
      '--no-worker',
    ]);
    const health = await waitForHealth(`http://127.0.0.1:${port}`, cli);
    expect(health.temporal).toMatchObject({ status: 'ok', address, embedded: false });
    expect(health.worker).toMatchObject({ status: 'external', pollers: 0 });
    expect(descendantPids(cli.child.pid!)).toEqual([]);
  });

  it('clawdbot worker connects to the given server and polls its task queue', async () => {
    const address = inject('temporalAddress');
    const taskQueue = `worker-test-${Date.now()}`;
    const cli = start([
      'worker',
      '--state-dir',
      makeStateDir({ temporal: { taskQueue } }),
      '--temporal-address',
      address,
    ]);
    const connection = await NativeConnection.connect({ address });
    try {
      let identities: string[] = [];
      await waitUntil(() => {
        void connection.workflowService
          .describeTaskQueue({
            namespace: 'default',
            taskQueue: { name: taskQueue },
            taskQueueType: 1,
          })
          .then(
            (response) =>
              (identities = (response.pollers ?? []).map((poller) => poller.identity ?? '')),
          );
        return identities.length > 0;
      }, 30_000);
      expect(identities[0]).toContain(`:${cli.child.pid}`);
      cli.child.kill('SIGTERM');
      expect((await cli.exited).code).toBe(0);
    } finally {
      await connection.close();
    }
  });
});

describe('invalid config', () => {
  it('stops start-up naming the file, the field and what was expected', async () => {
    const stateDir = makeStateDir({ gateway: { port: 'eighteen' }, agent: { model: 'gpt-4' } });
    const cli = start(['gateway', '--state-dir', stateDir]);
    const exit = await cli.exited;
    expect(exit.code).toBe(1);
    const output = cli.output();
    expect(output).toContain(
      `CONFIG_INVALID: Invalid config in ${join(stateDir, 'clawdbot.json')}`,
    );
    expect(output).toMatch(/gateway\.port: .*expected number/i);
    expect(output).toMatch(/agent\.model: .*anthropic\/<model>/);
  });

  it('names the environment variable when an override is invalid', async () => {
    const cli = start(
      ['doctor', '--state-dir', makeStateDir()],
      cleanEnv({ CLAWDBOT_MODEL: 'gpt-4' }),
    );
    expect((await cli.exited).code).toBe(1);
    expect(cli.output()).toMatch(/agent\.model \(from CLAWDBOT_MODEL\)/);
  });
});
