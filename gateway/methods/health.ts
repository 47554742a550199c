import { healthParams, healthResult } from '../../core/protocol/index.js';
import { defineMethod } from './types.js';

/** `health`: probe gateway, worker and Temporal now. */
export const healthMethod = defineMethod({
  method: 'health',
  params: healthParams,
  result: healthResult,
  async handler(_params, { gateway }) {
    return { ...(await gateway.probeHealth()) };
  },
});
