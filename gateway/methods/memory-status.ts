import { z } from 'zod';
import { createMemoryService } from '../../activities/memory/service.js';
import { ClawdbotError } from '../../core/errors.js';
import { defineMethod } from './types.js';

const memoryStatusResult = z.object({
  enabled: z.boolean(),
  provider: z.string(),
  table: z.string().optional(),
  indexedWith: z.string().optional(),
  dims: z.number().optional(),
  files: z.number(),
  indexedFiles: z.number(),
  chunks: z.number(),
  annIndex: z.boolean(),
  storeDir: z.string(),
});

/**
 * `memory.status`: what the memory index of this machine's state dir holds. It only
 * reads the store (no model is loaded); in a cluster it describes the gateway's host.
 */
export const memoryStatusMethod = defineMethod({
  method: 'memory.status',
  params: z.object({}).optional(),
  result: memoryStatusResult,
  async handler(_params, { gateway }) {
    const paths = gateway.deps.paths;
    if (!paths) throw new ClawdbotError('UNAVAILABLE', 'This gateway has no state dir');
    const memory = createMemoryService({
      config: gateway.config(),
      stateDir: paths.stateDir,
      workspaceDir: paths.workspaceDir,
      storeDir: paths.memoryDir,
    });
    try {
      return await memory.status();
    } finally {
      await memory.close();
    }
  },
});
