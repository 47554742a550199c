// The tests of our SDK patches run a worker on the stuck-workflows fixture bundle, on a task
// queue of their own on the test run's Temporal server, and a client of that server.
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  NativeConnection,
  Worker,
  type WorkerOptions,
} from '@temporalio/worker';
import { packageRoot } from '../../core/paths.js';

export interface FixtureWorker {
  client: Client;
  worker: Worker;
  taskQueue: string;
  /** Shut the worker down and close both connections. */
  close(): Promise<void>;
}

/** Start a worker (running) on a fresh task queue named after `name`, with `options` added. */
export async function startFixtureWorker(
  address: string,
  name: string,
  options: Partial<WorkerOptions> = {},
): Promise<FixtureWorker> {
  const taskQueue = `${name}-${process.pid}-${Date.now()}`;
  const connection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: join(packageRoot, 'test', 'fixtures', 'stuck-workflows', 'index.ts'),
    }),
    ...options,
  });
  const running = worker.run();
  return {
    client: new Client({ connection: clientConnection }),
    worker,
    taskQueue,
    async close() {
      worker.shutdown();
      await running;
      await clientConnection.close();
      await connection.close();
    },
  };
}
