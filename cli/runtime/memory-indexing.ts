import type { Client } from '@temporalio/client';
import { watchMemoryFiles, type MemoryWatch } from '../../activities/memory/watcher.js';
import { hostTaskQueue, resolveHostId } from '../../core/cluster/placement.js';
import type { Config } from '../../core/config/schema.js';
import type { Logger } from '../../core/logger.js';

/**
 * Ask this host's memory indexer for a pass: signal-with-start of `memory-index:<host>`,
 * so a pass already running takes the change as one more pass instead of racing it.
 */
export async function requestMemoryIndex(
  client: Client,
  config: Config,
  options: { hostQueue: boolean },
): Promise<string> {
  const hostId = resolveHostId(config);
  // Per task queue too: installations (or test runs) sharing a Temporal server stay apart.
  const workflowId = `memory-index:${config.temporal.taskQueue}:${hostId}`;
  await client.workflow.signalWithStart('memoryIndex', {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [
      {
        taskQueue: options.hostQueue
          ? hostTaskQueue(config.temporal.taskQueue, hostId)
          : config.temporal.taskQueue,
      },
    ],
    signal: 'memory.reindex',
    signalArgs: [],
  });
  return workflowId;
}

/** Index once at start, then whenever the memory files change (memory.watch). */
export function startMemoryIndexing(options: {
  client: Client;
  config: Config;
  workspaceDir: string;
  hostQueue: boolean;
  logger: Logger;
}): MemoryWatch | undefined {
  const { config, logger } = options;
  if (!config.memory.enabled) return undefined;
  const request = () => {
    requestMemoryIndex(options.client, config, { hostQueue: options.hostQueue }).catch(
      (error: unknown) => logger.warn(`memory index request failed: ${String(error)}`),
    );
  };
  request();
  if (!config.memory.watch) return undefined;
  return watchMemoryFiles({
    workspaceDir: options.workspaceDir,
    extraPaths: config.memory.extraPaths,
    debounceMs: config.memory.watchDebounceMs,
    onChange: request,
  });
}
