import { setTimeout as sleep } from 'node:timers/promises';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadWorkflowBundle } from '../cli/runtime/workflow-bundle.js';
import { createLogger } from '../core/logger.js';
import { cleanEnv, makeStateDir, spawnClawdbot, type CliProcess } from './helpers/cli-process.js';

// A worker keeping sessions in files on its own machine, while a worker of another machine
// polls the same task queue: each would see only its own transcripts. It must say so.
const processes: CliProcess[] = [];
afterAll(() => {
  for (const cli of processes) cli.child.kill('SIGKILL');
});

describe('sessions in files with workers on several machines', () => {
  it('the worker warns and names the other machine and the fix', { timeout: 60_000 }, async () => {
    const address = inject('temporalAddress');
    const taskQueue = `split-store-${process.pid}-${Date.now()}`;
    const connection = await NativeConnection.connect({ address });
    // Stands in for `clawdbot worker` on another machine: the same identity format.
    const other = await Worker.create({
      connection,
      taskQueue,
      workflowBundle: await loadWorkflowBundle(createLogger('test', 'warn')),
      identity: 'clawdbot-worker@other-machine.lan:4242',
    });
    const running = other.run();
    try {
      const stateDir = makeStateDir({ temporal: { taskQueue } });
      const cli = spawnClawdbot(
        ['worker', '--state-dir', stateDir, '--temporal-address', address],
        cleanEnv({ CLAWDBOT_LOG_LEVEL: 'warn' }),
      );
      processes.push(cli);
      const deadline = Date.now() + 30_000;
      while (!cli.output().includes('workers on other machines') && Date.now() < deadline)
        await sleep(200);
      expect(cli.output()).toContain('workers on other machines (other-machine.lan)');
      expect(cli.output()).toContain('CLAWDBOT_POSTGRES_URL');
    } finally {
      other.shutdown();
      await running;
      await connection.close();
    }
  });
});
