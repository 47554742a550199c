import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { workflowStackTracesEnv } from '../cli/runtime/worker.js';
import { withoutSourcesContent } from '../cli/runtime/workflow-bundle.js';
import { packageRoot } from '../core/paths.js';

// patches/temporalio-worker-stack-trace-hook.mjs installs the SDK's per-promise stack trace
// hook only on workers started with temporal.workflowStackTraces. What a user sees: with it,
// the Temporal UI's stack trace query shows where a running workflow waits; without it, the
// query answers that stack traces are off (and workflows run as before).

const applyPatches = join(packageRoot, 'scripts', 'apply-patches.mjs');

describe('the stack trace hook patch', () => {
  let connection: NativeConnection;
  let clientConnection: Connection;
  let client: Client;
  const workers: { worker: Worker; running: Promise<void>; taskQueue: string }[] = [];

  beforeAll(async () => {
    const address = inject('temporalAddress');
    connection = await NativeConnection.connect({ address });
    clientConnection = await Connection.connect({ address });
    client = new Client({ connection: clientConnection });
    const bundled = await bundleWorkflowCode({
      workflowsPath: join(packageRoot, 'test', 'fixtures', 'stuck-workflows', 'index.ts'),
    });
    // As the product caches its bundle: the source map without the sources' text.
    const workflowBundle = { code: withoutSourcesContent(bundled.code) };
    expect(workflowBundle.code.length).toBeLessThan(bundled.code.length);
    // The variable is read as each worker starts its workflow thread, as startWorker sets it.
    for (const traces of [true, false]) {
      if (traces) process.env[workflowStackTracesEnv] = '1';
      else delete process.env[workflowStackTracesEnv];
      const taskQueue = `stack-traces-${traces}-${process.pid}-${Date.now()}`;
      const worker = await Worker.create({ connection, taskQueue, workflowBundle });
      workers.push({ worker, running: worker.run(), taskQueue });
    }
    delete process.env[workflowStackTracesEnv];
  });

  afterAll(async () => {
    for (const { worker } of workers) worker.shutdown();
    await Promise.all(workers.map(({ running }) => running));
    await clientConnection?.close();
    await connection?.close();
  });

  it('is applied to the installed SDK', () => {
    expect(execFileSync('node', [applyPatches, '--check'], { encoding: 'utf8' })).toContain(
      'temporalio-worker-stack-trace-hook is applied',
    );
  });

  it('a worker with stack traces shows where a workflow waits; one without says they are off', async () => {
    const [withTraces, withoutTraces] = workers;
    const start = (taskQueue: string) =>
      client.workflow.start('spinsOnSignal', {
        taskQueue,
        workflowId: `${taskQueue}-waits`,
      });
    const traced = await start(withTraces!.taskQueue);
    const untraced = await start(withoutTraces!.taskQueue);
    try {
      const stack = await traced.query<string>('__stack_trace');
      expect(stack).toContain('spinsOnSignal');
      // The map still leads back to the workflow's own source file, line and column.
      expect(stack).toMatch(/stuck-workflows\/index\.ts:\d+:\d+/);
      await expect(untraced.query('__stack_trace')).rejects.toThrow(/stack traces are not enabled/);
      // Both run their workflows alike: a second workflow on the untraced worker completes.
      const echo: string = await client.workflow.execute<(text: string) => Promise<string>>(
        'echo',
        {
          taskQueue: withoutTraces!.taskQueue,
          workflowId: `${withoutTraces!.taskQueue}-echo`,
          args: ['hi'],
        },
      );
      expect(echo).toBe('echo: hi');
    } finally {
      await traced.terminate('test over');
      await untraced.terminate('test over');
    }
  }, 60_000);
});
