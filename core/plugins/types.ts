/**
 * The plugin contract: what a plugin's manifest declares and what its entry's
 * `register(api)` may register. Bundled plugins live in `extensions/<id>/`, user plugins
 * under `<stateDir>/extensions/` or `plugins.load.paths` (see extensions/README.md).
 *
 * A plugin folder holds `clawdbot.plugin.json` (the manifest, read and validated without
 * running any plugin code) and an entry (`index.ts` unless the manifest names another)
 * that exports `register(api: PluginApi)`.
 */
import type { Client, ClientPlugin } from '@temporalio/client';
import type { BundlerPlugin, WorkerPlugin } from '@temporalio/worker';
import type { Command } from 'commander';
import type { z } from 'zod';
import type { ModelProviders } from '../../activities/llm/model-ref.js';
import type { ToolDefinition, ToolResult } from '../../activities/tools/tool.js';
import type { AgentService } from '../agent/agent-service.js';
import type { ChannelHttpRoute, ChannelPlugin } from '../../channels/types.js';
import type { GatewayMethod } from '../../gateway/methods/types.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { Message } from '../messages.js';

/** What kind of thing a plugin mainly adds (informational: a plugin may register anything). */
export type PluginKind = 'channel' | 'tool' | 'provider' | 'service' | 'hooks' | 'memory';

/** Where a plugin was found; earlier origins win when two plugins share an id. */
export type PluginOrigin = 'config' | 'workspace' | 'global' | 'bundled';

/** A JSON Schema object, as written in a manifest. */
export type JsonSchema = Record<string, unknown>;

/** How a config field is shown in forms (Control UI, onboarding). */
export interface PluginUiHint {
  label?: string;
  help?: string;
  placeholder?: string;
  /** A secret: masked in forms and redacted in logs and `config.get`. */
  sensitive?: boolean;
  advanced?: boolean;
}

/** `clawdbot.plugin.json`. */
export interface PluginManifest {
  id: string;
  name?: string;
  description?: string;
  version?: string;
  kind?: PluginKind;
  /** Entry file relative to the plugin folder; default `index.ts`. */
  entry?: string;
  /** Channel ids the plugin provides (`channels.<id>` sections are then known). */
  channels?: string[];
  /** Model provider ids the plugin provides (`<id>/<model>` refs in agent.model are then known). */
  providers?: string[];
  /** Skill folders the plugin ships, relative to the plugin folder. */
  skills?: string[];
  /** JSON Schema of `plugins.entries.<id>.config`; required (`{}` accepts anything). */
  configSchema: JsonSchema;
  /**
   * Per channel id: JSON Schema of one account's channel-specific options under
   * `channels.<id>` (and `channels.<id>.accounts.<a>`). The common access keys (dmPolicy,
   * allowFrom, groups, ...) and `accounts` are added by the loader, as for built-in channels.
   */
  channelConfigSchemas?: Record<string, JsonSchema>;
  /** Form hints per field of `configSchema` (and of channel schemas, keyed `<channel>.<field>`). */
  uiHints?: Record<string, PluginUiHint>;
}

/** A background service: started once per process that loads the plugin, stopped on shutdown. */
export interface PluginService {
  id: string;
  start(context: { logger: Logger; stateDir: string; signal: AbortSignal }): void | Promise<void>;
  stop?(): void | Promise<void>;
}

/**
 * An HTTP route on the gateway's port, served at `/plugins/<plugin id><path>`. Gateway auth
 * (bearer token or password, loopback without auth configured) applies unless `auth` is
 * `webhook`: then the route is public and the handler must check the caller itself (a
 * signature over `rawBody`, a shared secret).
 */
export interface PluginHttpRoute extends ChannelHttpRoute {
  auth?: 'gateway' | 'webhook';
  handler(request: PluginHttpRequest): ReturnType<ChannelHttpRoute['handler']>;
}

/** What a plugin route's handler receives: the request, and the agent runtime to start turns. */
export type PluginHttpRequest = Parameters<ChannelHttpRoute['handler']>[0] & {
  /** Queue messages on sessions and wait for runs; absent on a gateway without Temporal. */
  agent?: Pick<AgentService, 'send' | 'wait'>;
};

/** One model a provider offers, as `models.list` shows it. */
export interface ProviderModel {
  /** The provider's own model id (the part after `<provider>/` in a model ref). */
  id: string;
  name?: string;
}

/**
 * How a provider's models are called. Today every plugin provider speaks OpenAI's Chat
 * Completions (streaming, tools) at `baseUrl`; a second wire would be a second `api` value.
 */
export interface ProviderEndpoint {
  api: 'openai-completions';
  /** Base URL the OpenAI SDK appends `/chat/completions` to. */
  baseUrl: string;
  apiKey?: string;
}

/** A model provider: `<id>/<model>` refs resolve to it. */
export interface PluginProvider {
  /** Declared in the manifest's `providers`; the prefix of its model refs. */
  id: string;
  label?: string;
  /** The models it offers now (a local server's installed models). */
  listModels(options: { signal?: AbortSignal }): Promise<ProviderModel[]>;
  /** Where to call a model; read on every call, so it may follow config or discovery. */
  endpoint(): ProviderEndpoint | Promise<ProviderEndpoint>;
}

/**
 * A Temporal SDK plugin (e.g. `@temporalio/interceptors-opentelemetry`'s OpenTelemetryPlugin):
 * applied to every Temporal client, worker and workflow bundle of the process, so its
 * interceptors see every turn. Workflow interceptor modules it names are bundled.
 */
export type TemporalSdkPlugin = ClientPlugin & WorkerPlugin & BundlerPlugin;

/** The process's Temporal client, for plugins that start, signal or query workflows. */
export interface PluginTemporal {
  client: Client;
  /** The shared task queue workflows run on (`temporal.taskQueue`). */
  taskQueue: string;
}

/** Adds commands to the `clawdbot` CLI (commander). */
export type PluginCliRegistrar = (program: Command) => void;

/** What each lifecycle hook receives, and what it may return to change the turn. */
export interface PluginHookEvents {
  message_received: {
    event: {
      channel: string;
      accountId: string;
      chatId: string;
      senderId: string;
      text: string;
      sessionKey: string;
    };
    result: void;
  };
  before_agent_start: {
    event: { sessionKey: string; runId: string; agentId: string; text: string };
    /** Text added to the system prompt for this turn. */
    result: { prependContext?: string } | void;
  };
  before_tool_call: {
    event: { sessionKey: string; runId: string; toolName: string; params: Record<string, unknown> };
    /** Replace the call's params, or block it (the model sees `blockReason`). */
    result: { params?: Record<string, unknown>; block?: boolean; blockReason?: string } | void;
  };
  after_tool_call: {
    event: {
      sessionKey: string;
      runId: string;
      toolName: string;
      params: Record<string, unknown>;
      result: ToolResult;
    };
    result: void;
  };
  agent_end: {
    event: { sessionKey: string; runId: string; status: string; error?: string };
    result: void;
  };
  message_sending: {
    event: { channel: string; accountId: string; chatId: string; text: string };
    /** Rewrite the outgoing text, or cancel the send. */
    result: { text?: string; cancel?: boolean } | void;
  };
  message_sent: {
    event: {
      channel: string;
      accountId: string;
      chatId: string;
      text: string;
      platformMessageId?: string;
    };
    result: void;
  };
  /**
   * A session ended because its key was reset (`/new`, `/reset`, `sessions.reset`, or the
   * daily/idle reset policy). Runs in its own activity (`plugins.sessionEnd`, retried while
   * a handler throws), so handlers may do slow work but must be idempotent.
   */
  session_end: {
    event: {
      sessionKey: string;
      /** The session that ended (its transcript stays readable by this id). */
      sessionId: string;
      reason: SessionEndReason;
      /** The ended session's messages, oldest first (at most the last 400). */
      messages: Message[];
      /** The agent workspace (memory/ lives there). */
      workspaceDir: string;
      /** When the reset happened (ms). */
      endedAt: number;
    };
    result: void;
  };
  gateway_start: { event: { port: number }; result: void };
  gateway_stop: { event: { reason: string }; result: void };
}

export type PluginHookName = keyof PluginHookEvents;

/** Why a session ended: the user's command, the gateway method, or the reset policy. */
export type SessionEndReason = 'new' | 'reset' | 'api' | 'daily' | 'idle';

export type PluginHookHandler<H extends PluginHookName> = (
  event: PluginHookEvents[H]['event'],
) => PluginHookEvents[H]['result'] | Promise<PluginHookEvents[H]['result']>;

/** What `register(api)` receives. */
export interface PluginApi<PluginConfig = Record<string, unknown>> {
  readonly id: string;
  readonly name: string;
  readonly version?: string;
  readonly origin: PluginOrigin;
  /** The plugin's folder. */
  readonly rootDir: string;
  /** `plugins.entries.<id>.config`, validated against the manifest's configSchema. */
  readonly pluginConfig: PluginConfig;
  /** The whole validated config. */
  readonly config: Config;
  readonly logger: Logger;
  /** The gateway's state dir (`~/.clawdbot` by default). */
  readonly stateDir: string;
  /**
   * ClawdBot's own zod, for tool input schemas: a plugin outside ClawdBot's folder has no
   * node_modules of its own to import it from.
   */
  readonly zod: typeof z;
  /** A path relative to the plugin's folder, made absolute. */
  resolvePath(relative: string): string;
  /**
   * The model providers plugins registered (`ollama/...`), for a plugin that calls a model
   * itself (pass them to generate's `modelProviders`). Read when called: by then every
   * plugin has loaded.
   */
  modelProviders(): ModelProviders | undefined;
  registerChannel(channel: ChannelPlugin): void;
  registerTool(tool: ToolDefinition): void;
  registerGatewayMethod(method: GatewayMethod): void;
  registerHttpRoute(route: PluginHttpRoute): void;
  registerCli(registrar: PluginCliRegistrar): void;
  registerService(service: PluginService): void;
  /** Add a Temporal SDK plugin to this process's clients, workers and workflow bundle. */
  registerTemporalPlugin(plugin: TemporalSdkPlugin): void;
  /**
   * The process's Temporal client once it is connected: call it from handlers (tools,
   * methods, routes), not from `register` (throws PLUGIN_TEMPORAL_UNAVAILABLE before).
   */
  temporal(): PluginTemporal;
  /** A model provider whose id is in the manifest's `providers`. */
  registerProvider(provider: PluginProvider): void;
  registerHook<H extends PluginHookName>(
    hook: H,
    handler: PluginHookHandler<H>,
    options?: { priority?: number },
  ): void;
}

/** What a plugin entry module exports. */
export interface PluginModule {
  register(api: PluginApi): void | Promise<void>;
}
