/** The gateway process's Temporal worker for `nodes.call` (the nodes tool reaches node sockets here). */
import { hostname } from 'node:os';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Logger } from '../../core/logger.js';
import type { GatewayNodes } from './gateway-nodes.js';
import { createNodeActivities, nodesTaskQueue } from './nodes-activity.js';

/** A running nodes worker. */
export interface NodesWorker {
  stop(): Promise<void>;
}

/** Serve `<taskQueue>@gateway` from this process. */
export async function startNodesWorker(options: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  nodes: GatewayNodes;
  workspaceDir: string;
  logger: Logger;
}): Promise<NodesWorker> {
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: nodesTaskQueue(options.taskQueue),
    activities: createNodeActivities({ nodes: options.nodes, workspaceDir: options.workspaceDir }),
    identity: `clawdbot-nodes@${hostname()}:${process.pid}`,
    shutdownGraceTime: '5s',
    maxHeartbeatThrottleInterval: '1s',
  });
  const running = worker.run().catch((error: Error) => {
    options.logger.error(`nodes worker failed: ${error.message}`);
  });
  return {
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
