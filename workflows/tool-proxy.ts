import { proxyActivities } from '@temporalio/workflow';
import type { ToolActivityPolicy, ToolInput, ToolOutput } from './types.js';

type ToolActivity = (input: ToolInput) => Promise<ToolOutput>;

/** The `tool.<name>` activity, scheduled with that tool's own timeout and retry policy. */
export function toolActivity(name: string, policy: ToolActivityPolicy): ToolActivity {
  const activities = proxyActivities<Record<string, ToolActivity>>({
    startToCloseTimeout: policy.startToCloseTimeoutMs,
    heartbeatTimeout: policy.heartbeatTimeoutMs,
    retry: {
      initialInterval: '1s',
      maximumInterval: '30s',
      maximumAttempts: policy.maximumAttempts,
    },
  });
  return activities[`tool.${name}`]!;
}
