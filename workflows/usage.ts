// Plain functions on turn data, shared by workflow code and activities. Workflow code may
// import only @temporalio/workflow, types and files of this folder (the bundle cache is keyed
// on this folder's sources), so this lives here and imports types only.
import type { Usage } from '../core/messages.js';

/** Token counts of two calls together. */
export function addUsage(total: Usage, more: Usage): Usage {
  return {
    input: total.input + more.input,
    output: total.output + more.output,
    cacheRead: total.cacheRead + more.cacheRead,
    cacheWrite: total.cacheWrite + more.cacheWrite,
    totalTokens: total.totalTokens + more.totalTokens,
  };
}
