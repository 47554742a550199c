import { TimeoutType } from '@temporalio/common';
import {
  ActivityFailure,
  proxyActivities,
  proxyLocalActivities,
  TimeoutFailure,
} from '@temporalio/workflow';
import type { ToolActivityPolicy, ToolInput, ToolOutput } from './types.js';

type ToolActivity = (input: ToolInput) => Promise<ToolOutput>;

/**
 * The `tool.<name>` activity, scheduled with that tool's own timeout and retry policy,
 * on the owning host's task queue when the policy names one, or as a local activity when
 * the policy says so.
 */
export function toolActivity(name: string, policy: ToolActivityPolicy): ToolActivity {
  if (policy.local) {
    // Inside the workflow task: no server round trip, no workflow task of its own.
    return proxyLocalActivities<Record<string, ToolActivity>>({
      startToCloseTimeout: policy.startToCloseTimeoutMs,
      retry: {
        initialInterval: '1s',
        maximumInterval: '30s',
        maximumAttempts: policy.maximumAttempts,
      },
    })[`tool.${name}`]!;
  }
  const activities = proxyActivities<Record<string, ToolActivity>>({
    startToCloseTimeout: policy.startToCloseTimeoutMs,
    heartbeatTimeout: policy.heartbeatTimeoutMs,
    ...(policy.taskQueue !== undefined ? { taskQueue: policy.taskQueue } : {}),
    ...(policy.scheduleToStartTimeoutMs !== undefined
      ? { scheduleToStartTimeout: policy.scheduleToStartTimeoutMs }
      : {}),
    retry: {
      initialInterval: '1s',
      maximumInterval: '30s',
      maximumAttempts: policy.maximumAttempts,
    },
  });
  return activities[`tool.${name}`]!;
}

/**
 * The message for a host-bound tool call that no worker of the owning host picked up in
 * time, or undefined when `error` is something else.
 */
export function hostUnreachableText(
  error: unknown,
  name: string,
  host: string | undefined,
  policy: ToolActivityPolicy | undefined,
): string | undefined {
  if (!(error instanceof ActivityFailure)) return undefined;
  const cause = error.cause;
  if (!(cause instanceof TimeoutFailure) || cause.timeoutType !== TimeoutType.SCHEDULE_TO_START)
    return undefined;
  const seconds = Math.round((policy?.scheduleToStartTimeoutMs ?? 0) / 1000);
  if (policy?.channel !== undefined) {
    return (
      `Tool ${name} was not run: no gateway process hosting ${policy.channel} picked the call ` +
      `up within ${seconds} s (the gateway is down or runs without channels); try again later.`
    );
  }
  return (
    `Tool ${name} was not run: this session's workspace is on host "${host ?? 'unknown'}", and ` +
    `no worker of that host picked the call up within ${seconds} s (the host is down or ` +
    `disconnected). Its files and processes are reachable only there; try again later.`
  );
}
