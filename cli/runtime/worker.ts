import { hostname } from 'node:os';
import { Worker, type InjectedSinks, type NativeConnection } from '@temporalio/worker';
import type { Activities } from '../../activities/index.js';
import type { ComponentHealth } from '../../core/health.js';
import type { Logger } from '../../core/logger.js';
import type { TemporalSdkPlugin } from '../../core/plugins/types.js';
import type { TurnEventSinks } from '../../workflows/turn-events.js';
import { loadWorkflowBundle } from './workflow-bundle.js';

/** The environment variable the patched SDK reads (patches/temporalio-worker-stack-trace-hook.mjs). */
export const workflowStackTracesEnv = 'CLAWDBOT_WORKFLOW_STACK_TRACES';

/** Options for the ClawdBot worker. */
export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /**
   * Also poll this host's own task queue, for the host-bound tools of the sessions whose
   * workspace is here (a cluster with a shared sessions store).
   */
  hostTaskQueue?: string;
  activities: object;
  logger: Logger;
  /** Plugins' Temporal SDK plugins (interceptors): on both workers and in the workflow bundle. */
  temporalPlugins?: readonly TemporalSdkPlugin[];
  /** Collect workflow stack traces for the `__stack_trace` query (config temporal.workflowStackTraces). */
  workflowStackTraces?: boolean;
}

/** A running worker and how to stop it. */
export interface RunningWorker {
  health(): ComponentHealth;
  stop(): Promise<void>;
  /** Settles when the worker stops; rejects if it failed. */
  finished: Promise<void>;
}

/**
 * The turnEvents sink (workflows/turn-events.ts), published as the turn.publish activity
 * does: every worker that runs the session workflow has that activity.
 */
function turnEventSinks(activities: object): InjectedSinks<TurnEventSinks> {
  const publish = (activities as Partial<Pick<Activities, 'turn.publish'>>)['turn.publish'];
  return {
    turnEvents: {
      publish: {
        fn: (_info, event) => {
          if (!publish) throw new Error('this worker has no turn.publish activity');
          void publish(event);
        },
      },
    },
  };
}

/** Create and run a worker on the ClawdBot task queue. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const plugins = [...(options.temporalPlugins ?? [])];
  const workflowBundle = await loadWorkflowBundle(options.logger, plugins);
  // Read by the patched SDK in each workflow thread as it starts (patches/: the promise hook
  // behind stack traces runs on every promise workflow code makes).
  if (options.workflowStackTraces) process.env[workflowStackTracesEnv] = '1';
  else delete process.env[workflowStackTracesEnv];
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle,
    sinks: turnEventSinks(options.activities),
    ...(plugins.length > 0 ? { plugins } : {}),
    activities: options.activities,
    identity: `clawdbot-worker@${hostname()}:${process.pid}`,
    // In-flight activities get time to finish (and heartbeat their last state) on shutdown.
    shutdownGraceTime: '10s',
    // A cached workflow is a session waiting for its next message: a message to a cached one
    // costs one workflow task, to an evicted one a replay of its run. Sessions hold little
    // state each (one run per turn keeps histories short), so keep many.
    maxCachedWorkflows: 2000,
    // Each turn's run starts on the normal (non-sticky) queue after continue-as-new, and
    // every new session does: half the pollers there, not the default fifth (2 of 10).
    workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 10 },
    nonStickyToStickyPollRatio: 0.5,
    // Heartbeats carry cancellation back to a running activity: send them at least every
    // second so chat.abort stops a stream promptly (the default waits up to 80% of the
    // heartbeat timeout).
    maxHeartbeatThrottleInterval: '1s',
  });
  // Activities only: workflows stay on the shared queue, so any worker can move a turn on.
  const hostWorker =
    options.hostTaskQueue === undefined
      ? undefined
      : await Worker.create({
          connection: options.connection,
          namespace: options.namespace,
          taskQueue: options.hostTaskQueue,
          activities: options.activities,
          ...(plugins.length > 0 ? { plugins } : {}),
          identity: `clawdbot-worker@${hostname()}:${process.pid}`,
          shutdownGraceTime: '10s',
          maxHeartbeatThrottleInterval: '1s',
        });
  const workers = hostWorker ? [worker, hostWorker] : [worker];
  let failure: Error | undefined;
  const finished = Promise.all(
    workers.map((each) =>
      each.run().catch((error: unknown) => {
        failure = error instanceof Error ? error : new Error(String(error));
        options.logger.error(`worker failed: ${failure.message}`);
        // One half without the other would take tasks it cannot finish: stop both.
        for (const other of workers) if (other.getState() === 'RUNNING') other.shutdown();
        throw failure;
      }),
    ),
  ).then(() => undefined);
  options.logger.info(
    `worker polling task queue "${options.taskQueue}"` +
      (options.hostTaskQueue ? ` and this host's "${options.hostTaskQueue}"` : ''),
  );
  const queues = {
    taskQueue: options.taskQueue,
    ...(options.hostTaskQueue ? { hostTaskQueue: options.hostTaskQueue } : {}),
  };
  return {
    health: () => {
      if (failure) return { status: 'failed', ...queues, error: failure.message };
      const states = workers.map((each) => each.getState());
      const state = states.find((each) => each !== 'RUNNING') ?? 'RUNNING';
      return {
        status: state === 'RUNNING' ? 'ok' : state === 'INITIALIZED' ? 'starting' : 'stopped',
        state,
        ...queues,
      };
    },
    async stop() {
      for (const each of workers) {
        const state = each.getState();
        if (state === 'RUNNING' || state === 'INITIALIZED') each.shutdown();
      }
      await finished.catch(() => undefined);
    },
    finished,
  };
}
