import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { WorkerThreadClient } from '@temporalio/worker/lib/workflow/threaded-vm.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { packageRoot } from '../core/paths.js';

// patches/temporalio-worker-sink-calls.mjs: a workflow activation's sink calls come back with
// its completion instead of through a second request to the workflow thread. The session
// workflow announces each turn's end through a sink, so what must not change is that every
// call reaches the sink once, in the order the workflow made it.

const applyPatches = join(packageRoot, 'scripts', 'apply-patches.mjs');

describe('the sink calls patch', () => {
  let connection: NativeConnection;
  let clientConnection: Connection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;
  const recorded: { workflowId: string; step: string }[] = [];
  const requests: string[] = [];
  const taskQueue = `sink-calls-${process.pid}-${Date.now()}`;
  const { prototype } = WorkerThreadClient;
  const send = Object.getOwnPropertyDescriptor(prototype, 'send')!.value as typeof prototype.send;

  beforeAll(async () => {
    // Every request the worker sends to its workflow thread, by type.
    prototype.send = function (this: WorkerThreadClient, input) {
      requests.push(input.type);
      return send.call(this, input);
    };
    const address = inject('temporalAddress');
    connection = await NativeConnection.connect({ address });
    clientConnection = await Connection.connect({ address });
    client = new Client({ connection: clientConnection });
    worker = await Worker.create({
      connection,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: join(packageRoot, 'test', 'fixtures', 'stuck-workflows', 'index.ts'),
      }),
      sinks: {
        trail: {
          record: {
            fn: (info, step: string) => {
              recorded.push({ workflowId: info.workflowId, step });
            },
          },
        },
      },
    });
    running = worker.run();
  });

  afterAll(async () => {
    prototype.send = send;
    worker?.shutdown();
    await running;
    await clientConnection?.close();
    await connection?.close();
  });

  it('is applied to the installed SDK', () => {
    expect(execFileSync('node', [applyPatches, '--check'], { encoding: 'utf8' })).toContain(
      'temporalio-worker-sink-calls is applied',
    );
  });

  it('delivers every sink call once, in order, without a request of its own', async () => {
    const workflowId = `sink-trail-${Date.now()}`;
    requests.length = 0;
    await client.workflow.execute('sinkTrail', { taskQueue, workflowId, args: [4] });
    expect(
      recorded.filter((call) => call.workflowId === workflowId).map((call) => call.step),
    ).toEqual(['0a', '0b', '1a', '1b', '2a', '2b', '3a', '3b', 'end']);
    // Five activations at least (start, four timers), none asked for its sink calls apart.
    expect(requests.filter((type) => type === 'activate-workflow').length).toBeGreaterThanOrEqual(
      5,
    );
    expect(requests).not.toContain('extract-sink-calls');
  });
});
