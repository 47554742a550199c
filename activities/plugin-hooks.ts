/**
 * The turn-changing plugin hook that runs between the model's tool call and the tool:
 * before_tool_call, as its own (local) activity so that its decision — block, or run with
 * other params — is recorded in the workflow's history and a replay takes the same path.
 * (before_agent_start runs inside turn.prepare; see turn.ts.)
 */
import { Context } from '@temporalio/activity';
import type { Logger } from '../core/logger.js';
import type { Message } from '../core/messages.js';
import { runBeforeToolCall, runSessionEnd, type ToolCallDecision } from '../core/plugins/hooks.js';
import type { PluginRegistry } from '../core/plugins/registry.js';
import type { SessionEndInput } from '../core/plugins/session-end.js';
import type { SessionStore } from '../core/sessions/index.js';

/** What the hook activities need. */
export interface PluginHookActivityDeps {
  plugins?: PluginRegistry;
  logger: Logger;
  /** For session_end: the ended session's transcript. */
  store?: SessionStore;
  workspaceDir?: string;
}

/** How much of an ended session its session_end handlers are given. */
const sessionEndMessages = 400;

/** The before_tool_call and session_end activities. */
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

    /** session_end, for the sessionEndHooks workflow: fails (to be retried) while a handler fails. */
    async 'plugins.sessionEnd'(input: SessionEndInput): Promise<void> {
      if (!deps.store || !deps.workspaceDir) return;
      const entries = await deps.store.readEntries(input.sessionId, { limit: sessionEndMessages });
      const messages: Message[] = entries.flatMap((entry) =>
        entry.type === 'message' ? [entry.message] : [],
      );
      const context = Context.current();
      // Handlers may call a model for a while: tell Temporal this worker is alive.
      const beat = setInterval(() => context.heartbeat(), 5_000);
      try {
        const failures = await runSessionEnd(
          deps.plugins,
          { ...input, messages, workspaceDir: deps.workspaceDir },
          deps.logger,
        );
        if (failures.length > 0)
          throw new Error(
            `session_end hooks failed: ${failures.map((each) => `${each.pluginId}: ${each.error}`).join('; ')}`,
          );
      } finally {
        clearInterval(beat);
      }
    },
  };
}
