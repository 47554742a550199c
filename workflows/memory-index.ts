import { defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

/** Asks the running indexer for one more pass (files changed while it ran). */
export const memoryReindexSignal = defineSignal('memory.reindex');

/** Where the workspace's memory lives: its host's task queue. */
export interface MemoryIndexInput {
  taskQueue: string;
}

/**
 * The memory indexer of one host (`memory-index:<hostId>`), started or signalled with
 * signal-with-start by the file watcher and `clawdbot memory index`: changes arriving
 * while a pass runs fold into one more pass, never into concurrent ones.
 */
export async function memoryIndex(input: MemoryIndexInput): Promise<void> {
  let again = false;
  setHandler(memoryReindexSignal, () => {
    again = true;
  });
  const { 'memory.index': index } = proxyActivities<Activities>({
    taskQueue: input.taskQueue,
    // A first index of a large memory on a CPU model takes long; heartbeats tell progress.
    startToCloseTimeout: '6h',
    heartbeatTimeout: '60s',
    retry: { initialInterval: '5s', maximumInterval: '5m', maximumAttempts: 10 },
  });
  do {
    again = false;
    await index();
  } while (again);
}
