import { hostname } from 'node:os';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { ComponentHealth } from '../../core/health.js';
import type { Logger } from '../../core/logger.js';
import { loadWorkflowBundle } from './workflow-bundle.js';

/** Options for the ClawdBot worker. */
export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: object;
  logger: Logger;
}

/** A running worker and how to stop it. */
export interface RunningWorker {
  health(): ComponentHealth;
  stop(): Promise<void>;
  /** Settles when the worker stops; rejects if it failed. */
  finished: Promise<void>;
}

/** Create and run a worker on the ClawdBot task queue. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const workflowBundle = await loadWorkflowBundle(options.logger);
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle,
    activities: options.activities,
    identity: `clawdbot-worker@${hostname()}:${process.pid}`,
    // In-flight activities get time to finish (and heartbeat their last state) on shutdown.
    shutdownGraceTime: '10s',
    // Each cached workflow holds a V8 context; bound the memory it can take.
    maxCachedWorkflows: 500,
    // Heartbeats carry cancellation back to a running activity: send them at least every
    // second so chat.abort stops a stream promptly (the default waits up to 80% of the
    // heartbeat timeout).
    maxHeartbeatThrottleInterval: '1s',
  });
  let failure: Error | undefined;
  const finished = worker.run().catch((error: unknown) => {
    failure = error instanceof Error ? error : new Error(String(error));
    options.logger.error(`worker failed: ${failure.message}`);
    throw failure;
  });
  options.logger.info(`worker polling task queue "${options.taskQueue}"`);
  return {
    health: () => {
      const state = worker.getState();
      if (failure)
        return { status: 'failed', taskQueue: options.taskQueue, error: failure.message };
      return {
        status: state === 'RUNNING' ? 'ok' : state === 'INITIALIZED' ? 'starting' : 'stopped',
        state,
        taskQueue: options.taskQueue,
      };
    },
    async stop() {
      const state = worker.getState();
      if (state === 'RUNNING' || state === 'INITIALIZED') worker.shutdown();
      await finished.catch(() => undefined);
    },
    finished,
  };
}
