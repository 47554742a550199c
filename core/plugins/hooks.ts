/**
 * Running plugin hooks. Handlers run one after another, highest priority first. A handler
 * that throws is logged and skipped: a broken plugin must not break turns or deliveries
 * (so a policy hook fails open; a plugin that must fail closed blocks in its own code).
 * Hooks that may change a turn (before_agent_start, before_tool_call) are run by
 * activities, so what they decided is in the workflow's history; the others observe.
 */
import type { Logger } from '../logger.js';
import { hooksOf, type PluginRegistry } from './registry.js';
import type { PluginHookEvents, PluginHookName } from './types.js';

type Result<H extends PluginHookName> = Exclude<PluginHookEvents[H]['result'], void>;

/** Each handler's non-empty result, in running order. */
async function collect<H extends PluginHookName>(
  registry: PluginRegistry | undefined,
  hook: H,
  event: PluginHookEvents[H]['event'],
  logger: Logger,
  stopWhen?: (result: Result<H>) => boolean,
): Promise<Result<H>[]> {
  const results: Result<H>[] = [];
  if (!registry) return results;
  for (const { pluginId, handler } of hooksOf(registry, hook)) {
    try {
      const result = await handler(event);
      if (result === undefined || result === null) continue;
      results.push(result as Result<H>);
      if (stopWhen?.(result as Result<H>)) break;
    } catch (error) {
      logger.warn(`plugin ${pluginId}: ${hook} hook failed: ${(error as Error).message}`);
    }
  }
  return results;
}

/** Whether any plugin registered `hook`. */
export function hasHook(registry: PluginRegistry | undefined, hook: PluginHookName): boolean {
  return registry !== undefined && registry.hooks.some((each) => each.hook === hook);
}

/** Run an observing hook (its handlers' results are ignored). */
export async function runObservingHook<H extends PluginHookName>(
  registry: PluginRegistry | undefined,
  hook: H,
  event: PluginHookEvents[H]['event'],
  logger: Logger,
): Promise<void> {
  await collect(registry, hook, event, logger);
}

/** before_agent_start: every handler's prependContext, joined in running order. */
export async function runBeforeAgentStart(
  registry: PluginRegistry | undefined,
  event: PluginHookEvents['before_agent_start']['event'],
  logger: Logger,
): Promise<string | undefined> {
  const results = await collect(registry, 'before_agent_start', event, logger);
  const parts = results.flatMap((result) => (result.prependContext ? [result.prependContext] : []));
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

/** What before_tool_call decided: the params to run with, or a block with its reason. */
export type ToolCallDecision =
  { block: false; params: Record<string, unknown> } | { block: true; blockReason: string };

/** before_tool_call: params pass through the handlers in turn; the first block stops. */
export async function runBeforeToolCall(
  registry: PluginRegistry | undefined,
  event: PluginHookEvents['before_tool_call']['event'],
  logger: Logger,
): Promise<ToolCallDecision> {
  let params = event.params;
  if (!registry) return { block: false, params };
  for (const { pluginId, handler } of hooksOf(registry, 'before_tool_call')) {
    try {
      const result = await handler({ ...event, params });
      if (!result) continue;
      if (result.block)
        return {
          block: true,
          blockReason: result.blockReason ?? `blocked by plugin ${pluginId}`,
        };
      if (result.params) params = result.params;
    } catch (error) {
      logger.warn(`plugin ${pluginId}: before_tool_call hook failed: ${(error as Error).message}`);
    }
  }
  return { block: false, params };
}

/** message_sending: the text after every rewrite, or cancel. */
export async function runMessageSending(
  registry: PluginRegistry | undefined,
  event: PluginHookEvents['message_sending']['event'],
  logger: Logger,
): Promise<{ cancel: boolean; text: string }> {
  let text = event.text;
  if (!registry) return { cancel: false, text };
  for (const { pluginId, handler } of hooksOf(registry, 'message_sending')) {
    try {
      const result = await handler({ ...event, text });
      if (!result) continue;
      if (result.cancel) return { cancel: true, text };
      if (result.text !== undefined) text = result.text;
    } catch (error) {
      logger.warn(`plugin ${pluginId}: message_sending hook failed: ${(error as Error).message}`);
    }
  }
  return { cancel: false, text };
}

/** A session_end handler that failed, and why. */
export interface HookFailure {
  pluginId: string;
  error: string;
}

/**
 * session_end: every handler runs; failures are returned rather than swallowed, so the
 * activity running them can be retried (its handlers are written to be idempotent).
 */
export async function runSessionEnd(
  registry: PluginRegistry | undefined,
  event: PluginHookEvents['session_end']['event'],
  logger: Logger,
): Promise<HookFailure[]> {
  const failures: HookFailure[] = [];
  if (!registry) return failures;
  for (const { pluginId, handler } of hooksOf(registry, 'session_end')) {
    try {
      await handler(event);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn(`plugin ${pluginId}: session_end hook failed: ${message}`);
      failures.push({ pluginId, error: message });
    }
  }
  return failures;
}
