import { mkdirSync } from 'node:fs';
import { Context } from '@temporalio/activity';
import type { Config } from '../core/config/schema.js';
import type { EventBus } from '../core/events/types.js';
import { transcriptEntryId, type SessionStore } from '../core/sessions/index.js';
import type { ToolInput, ToolOutput } from '../workflows/types.js';
import { turnWorkspace } from '../core/security/turn-access.js';
import { publishPart } from './publish.js';
import { tools as builtInTools } from './tools/index.js';
import { BrowserManager } from './tools/browser-manager.js';
import type { Logger } from '../core/logger.js';
import { runObservingHook } from '../core/plugins/hooks.js';
import { modelProvidersOf } from '../core/plugins/providers.js';
import type { PluginRegistry } from '../core/plugins/registry.js';
import { createProcessTable } from './tools/process-table.js';
import type { MemoryService } from './memory/service.js';
import {
  runTool,
  type ChannelToolHost,
  type SessionServices,
  type ToolDefinition,
  type ToolSkills,
} from './tools/tool.js';
import { toolResultEntry } from './turn.js';

/** What tool activities need. */
export interface ToolActivityDeps {
  store: SessionStore;
  bus: EventBus;
  workspaceDir: string;
  /** Where sandboxed sessions of others get their own workspaces (`<stateDir>/sandboxes`). */
  sandboxesDir: string;
  /** Passed to every tool as context.config (web tools read tools.web). */
  config: Config;
  sessions?: SessionServices;
  /** Where background processes are recorded (`<stateDir>/processes`); without it bash has no background mode. */
  processesDir?: string;
  /** This host's skills (read_file reads their folders; bash gets their env). */
  skills?: ToolSkills;
  /** The workspace's long-term memory; without it the memory tools answer that it is unavailable. */
  memory?: MemoryService;
  /** Where browser profiles live (`<stateDir>/browser`); without it the browser tool is unavailable. */
  browserDir?: string;
  /**
   * The tools to register (default: the built-in ones): a worker's built-in and plugin
   * tools, or only a channel's tools on the gateway's channel queue.
   */
  tools?: readonly ToolDefinition[];
  /** The channel accounts of this process (the gateway), for the <channel>_actions tools. */
  channels?: ChannelToolHost;
  /** Plugins, for the after_tool_call hook. */
  plugins?: PluginRegistry;
  logger?: Logger;
}

/** What a tool activity returns to the workflow: enough to continue, never the full output. */
const historyCap = 2000;
/** A direct invocation returns its output to the caller, up to this much. */
const directCap = 256 * 1024;

/**
 * The files a recorded tool result asked to send, if any: a tool that returns `media` names
 * them in its details too, so a retry that finds the result recorded still sends them.
 */
function recordedMedia(details: unknown): string[] | undefined {
  const media = (details as { media?: unknown } | undefined)?.media;
  if (!Array.isArray(media)) return undefined;
  const paths = media.filter((item): item is string => typeof item === 'string');
  return paths.length > 0 ? paths : undefined;
}

/** One activity per tool, registered as `tool.<name>` so the Temporal UI shows which tool ran. */
export function createToolActivities(
  deps: ToolActivityDeps,
): Record<`tool.${string}`, (input: ToolInput) => Promise<ToolOutput>> {
  // One table per worker: it holds the stdin pipes of the processes this worker started.
  const processes =
    deps.processesDir !== undefined ? createProcessTable({ dir: deps.processesDir }) : undefined;
  // One manager per worker: it holds the CDP connections and guard proxies of its browsers.
  const browsers =
    deps.browserDir !== undefined
      ? new BrowserManager({ dir: deps.browserDir, config: () => deps.config.browser })
      : undefined;
  // Tools that call a model (llm_task) resolve plugin providers' refs through these.
  const modelProviders = modelProvidersOf(deps.plugins);
  const run =
    (tool: ToolDefinition) =>
    async (input: ToolInput): Promise<ToolOutput> => {
      const session = { sessionId: input.sessionId, sessionKey: input.sessionKey };
      const inTurn = !input.direct;
      if (inTurn) {
        const entryId = transcriptEntryId.toolResult(input.runId, input.step, input.toolCallId);
        // A retry after the result was recorded (the worker died before reporting) must not run the tool again.
        const recent = await deps.store.readEntries(input.sessionId, { limit: 64 });
        const recorded = recent.find((entry) => entry.id === entryId);
        if (recorded?.type === 'message' && recorded.message.role === 'toolResult') {
          const text = recorded.message.content.map((block) => block.text).join('');
          const media = recordedMedia(recorded.message.details);
          return {
            isError: recorded.message.isError,
            text: text.slice(0, historyCap),
            ...(media ? { media } : {}),
          };
        }
        publishPart(deps.bus, input, {
          type: 'tool-start',
          step: input.step,
          toolCallId: input.toolCallId,
          name: tool.name,
          args: input.args,
        });
      }
      const context = Context.current();
      const access = input.access;
      const workspaceDir = turnWorkspace(access, deps);
      mkdirSync(workspaceDir, { recursive: true });
      // The workflow refuses such calls already; a tool never runs outside its turn's policy.
      const result =
        access && !access.allowed.includes(tool.name)
          ? {
              text: `Tool "${tool.name}" is not allowed in this session (${access.summary}), so it was not run.`,
              isError: true,
            }
          : await runTool(tool, input.args, {
              workspaceDir,
              ...(access ? { access } : {}),
              sessionKey: input.sessionKey,
              runId: input.runId,
              toolCallId: input.toolCallId,
              signal: context.cancellationSignal,
              heartbeat: (details) => context.heartbeat(details),
              config: deps.config,
              ...(deps.sessions ? { sessions: deps.sessions } : {}),
              ...(processes ? { processes } : {}),
              ...(deps.skills ? { skills: deps.skills } : {}),
              ...(deps.memory ? { memory: deps.memory } : {}),
              ...(browsers ? { browsers } : {}),
              ...(deps.channels ? { channels: deps.channels } : {}),
              ...(modelProviders ? { modelProviders } : {}),
            });
      const isError = result.isError ?? false;
      const media = 'media' in result && result.media?.length ? result.media : undefined;
      if (deps.plugins && deps.logger) {
        // Observing only: it cannot change the result, so it may run here, outside history.
        await runObservingHook(
          deps.plugins,
          'after_tool_call',
          {
            sessionKey: input.sessionKey,
            runId: input.runId,
            toolName: tool.name,
            params: input.args,
            result,
          },
          deps.logger,
        );
      }
      // A direct invocation (POST /tools/invoke) is not part of a conversation: nothing is recorded.
      if (!inTurn) return { isError, text: result.text.slice(0, directCap) };
      await deps.store.append(session, [
        toolResultEntry(input, result.text, isError, result.details, result.images),
      ]);
      publishPart(deps.bus, input, {
        type: 'tool-result',
        step: input.step,
        toolCallId: input.toolCallId,
        name: tool.name,
        result: { text: result.text, ...(result.details ? { details: result.details } : {}) },
        isError,
      });
      return { isError, text: result.text.slice(0, historyCap), ...(media ? { media } : {}) };
    };
  return Object.fromEntries(
    (deps.tools ?? builtInTools)
      .filter((tool) => tool.runsIn !== 'workflow')
      .map((tool) => [`tool.${tool.name}`, run(tool)]),
  );
}
