/**
 * Work placement in a cluster. LLM calls, bookkeeping and stateless tools run on the
 * shared task queue, on any worker. Tools bound to a host's disk or processes run on the
 * task queue of the host that owns the session's workspace: `<taskQueue>@<hostId>`,
 * polled only by that host's workers. The owner is fixed when the session is created
 * (recorded in its sessions-index entry, which the shared store keeps durably).
 */
import { hostname } from 'node:os';
import type { Config } from '../config/schema.js';

/** This process's host id: `worker.hostId` (CLAWDBOT_HOST_ID), else the machine's hostname. */
export function resolveHostId(config: Config): string {
  if (config.worker.hostId !== undefined) return config.worker.hostId;
  // Hostnames may hold characters a task queue name should not: keep it readable and safe.
  const name = hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 63);
  return name === '' ? 'localhost' : name;
}

/** The task queue that only the workers of `hostId` poll. */
export function hostTaskQueue(taskQueue: string, hostId: string): string {
  return `${taskQueue}@${hostId}`;
}

/** Where this worker's host-bound tools are placed, as the turn activities need it. */
export interface Placement {
  hostId: string;
  taskQueue: string;
  hostToolTimeoutMs: number;
}

/** The placement settings of a worker process. */
export function placementOf(config: Config): Placement {
  return {
    hostId: resolveHostId(config),
    taskQueue: config.temporal.taskQueue,
    hostToolTimeoutMs: config.worker.hostToolTimeoutMs,
  };
}
