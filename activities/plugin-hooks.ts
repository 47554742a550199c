/**
 * The turn-changing plugin hook that runs between the model's tool call and the tool:
 * before_tool_call, as its own (local) activity so that its decision — block, or run with
 * other params — is recorded in the workflow's history and a replay takes the same path.
 * (before_agent_start runs inside turn.prepare; see turn.ts.)
 */
import type { Logger } from '../core/logger.js';
import { runBeforeToolCall, type ToolCallDecision } from '../core/plugins/hooks.js';
import type { PluginRegistry } from '../core/plugins/registry.js';

/** What the hook activity needs. */
export interface PluginHookActivityDeps {
  plugins?: PluginRegistry;
  logger: Logger;
}

/** The before_tool_call activity. */
export function createPluginHookActivities(deps: PluginHookActivityDeps) {
  return {
    'plugins.beforeToolCall'(input: {
      sessionKey: string;
      runId: string;
      toolName: string;
      params: Record<string, unknown>;
    }): Promise<ToolCallDecision> {
      return runBeforeToolCall(deps.plugins, input, deps.logger);
    },
  };
}
