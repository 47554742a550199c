/**
 * What the enabled plugins registered in this process. One registry per process, built at
 * start-up by loadPluginRegistry and passed to whatever needs it (no global): the gateway
 * reads channels, methods, routes and hooks; the worker reads tools and hooks; the CLI
 * reads commands.
 */
import type { ToolDefinition } from '../../activities/tools/tool.js';
import type { ChannelPlugin } from '../../channels/types.js';
import type { GatewayMethod } from '../../gateway/methods/types.js';
import type { PluginDiscovery, PluginProblem, ShadowedPlugin } from './discovery.js';
import type {
  PluginCliRegistrar,
  PluginHookHandler,
  PluginHookName,
  PluginHttpRoute,
  PluginKind,
  PluginOrigin,
  PluginProvider,
  PluginService,
  PluginTemporal,
  TemporalSdkPlugin,
} from './types.js';

/** What one plugin registered, by name (shown by `plugins list|info|install`). */
export interface PluginRegistrations {
  channels: string[];
  tools: string[];
  gatewayMethods: string[];
  /** Full paths on the gateway, `/plugins/<id>/...`. */
  httpRoutes: string[];
  cliCommands: number;
  services: string[];
  /** Model provider ids. */
  providers: string[];
  hooks: PluginHookName[];
  /** Names of the Temporal SDK plugins it added. */
  temporalPlugins?: string[];
}

/** One discovered plugin and what became of it in this process. */
export interface PluginRecord {
  id: string;
  name: string;
  version?: string;
  description?: string;
  kind?: PluginKind;
  origin: PluginOrigin;
  rootDir: string;
  channels: string[];
  enabled: boolean;
  /** Why it is enabled or not. */
  enableReason: string;
  /**
   * `loaded`: registered; `disabled`: not loaded by config; `error`: its entry failed;
   * `enabled`: config enables it but this report read manifests only (`plugins list`).
   */
  status: 'loaded' | 'disabled' | 'error' | 'enabled';
  error?: string;
  registered: PluginRegistrations;
}

/** A registered hook handler. */
export interface RegisteredHook<H extends PluginHookName = PluginHookName> {
  pluginId: string;
  hook: H;
  handler: PluginHookHandler<H>;
  priority: number;
}

/** Everything the enabled plugins registered. */
export interface PluginRegistry {
  records: PluginRecord[];
  /** Plugin folders that could not be used (no or bad manifest, entry failed). */
  problems: PluginProblem[];
  shadowed: ShadowedPlugin[];
  /** Channel id → plugin id, for every channel a discovered manifest declares. */
  declaredChannels: Map<string, string>;
  channels: { pluginId: string; channel: ChannelPlugin }[];
  tools: { pluginId: string; tool: ToolDefinition }[];
  gatewayMethods: { pluginId: string; method: GatewayMethod }[];
  httpRoutes: { pluginId: string; path: string; route: PluginHttpRoute }[];
  cli: { pluginId: string; registrar: PluginCliRegistrar }[];
  services: { pluginId: string; service: PluginService }[];
  /** Temporal SDK plugins for this process's clients, workers and workflow bundle. */
  temporalPlugins: { pluginId: string; plugin: TemporalSdkPlugin }[];
  /**
   * Set by the process once it is connected to Temporal; what `api.temporal()` returns.
   * One slot per registry (so per process), not a global.
   */
  temporal: { current?: PluginTemporal };
  providers: { pluginId: string; provider: PluginProvider }[];
  /** Sorted by priority, highest first (then load order). */
  hooks: RegisteredHook<PluginHookName>[];
}

/** A registry with nothing in it (no plugins, or a process that loads none). */
export function emptyPluginRegistry(discovery?: PluginDiscovery): PluginRegistry {
  return {
    records: [],
    problems: [...(discovery?.problems ?? [])],
    shadowed: [...(discovery?.shadowed ?? [])],
    declaredChannels: new Map(
      (discovery?.plugins ?? []).flatMap((plugin) =>
        (plugin.manifest.channels ?? []).map((channel): [string, string] => [channel, plugin.id]),
      ),
    ),
    channels: [],
    tools: [],
    gatewayMethods: [],
    httpRoutes: [],
    cli: [],
    services: [],
    temporalPlugins: [],
    temporal: {},
    providers: [],
    hooks: [],
  };
}

/** The Temporal SDK plugins the loaded plugins added (for Client, Worker and bundle options). */
export function temporalSdkPlugins(registry: PluginRegistry | undefined): TemporalSdkPlugin[] {
  return (registry?.temporalPlugins ?? []).map((each) => each.plugin);
}

/** The handlers of one hook, in the order they run. */
export function hooksOf<H extends PluginHookName>(
  registry: PluginRegistry,
  hook: H,
): RegisteredHook<H>[] {
  // Stored as a union; the hook name was checked against the handler's type when registered.
  return registry.hooks.filter((each) => each.hook === hook) as unknown as RegisteredHook<H>[];
}
