/**
 * Loading the enabled plugins: each entry is imported at run time (a TypeScript
 * `index.ts` through tsx, see import-entry.ts, so it needs no build step) and its
 * `register(api)` called. A plugin whose entry throws, or that registers something it
 * may not, is recorded as failed and skipped; it never stops the process. Plugin code
 * runs in this process with the user's rights.
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { DiscoveredPlugin, PluginDiscovery } from './discovery.js';
import { resolveEnableState } from './enablement.js';
import { importPluginEntry } from './import-entry.js';
import { zodFromJsonSchema } from './json-schema.js';
import { builtInProviderIds, modelProvidersOf } from './providers.js';
import {
  emptyPluginRegistry,
  type PluginRecord,
  type PluginRegistrations,
  type PluginRegistry,
} from './registry.js';
import type { PluginApi, PluginHookName, PluginModule } from './types.js';

/** Names a plugin may not take: the built-in tools, methods and channels of this build. */
export interface ReservedNames {
  tools?: readonly string[];
  gatewayMethods?: readonly string[];
  channels?: readonly string[];
}

/** What loading needs. */
export interface LoadPluginsOptions {
  config: Config;
  discovery: PluginDiscovery;
  stateDir: string;
  logger: Logger;
  reserved?: ReservedNames;
}

/** Thrown by an api.register* call a plugin may not make; fails that plugin's load. */
class PluginRegistrationError extends Error {
  override readonly name = 'PluginRegistrationError';
}

/** api.temporal() before the process connected to Temporal. */
export class PluginTemporalUnavailableError extends Error {
  override readonly name = 'PluginTemporalUnavailableError';
  readonly code = 'PLUGIN_TEMPORAL_UNAVAILABLE';
}

const hookNames: readonly PluginHookName[] = [
  'message_received',
  'before_agent_start',
  'before_tool_call',
  'after_tool_call',
  'agent_end',
  'message_sending',
  'message_sent',
  'session_end',
  'gateway_start',
  'gateway_stop',
];

function registerFunction(module: unknown): PluginModule['register'] | undefined {
  const candidates = [module, (module as { default?: unknown } | null)?.default];
  for (const candidate of candidates) {
    if (typeof candidate === 'function') return candidate as PluginModule['register'];
    const register = (candidate as { register?: unknown } | null | undefined)?.register;
    if (typeof register === 'function') return register as PluginModule['register'];
  }
  return undefined;
}

/** A plugin's record before (or without) loading its code: `loaded` when enabled. */
export function baseRecord(
  plugin: DiscoveredPlugin,
  enabled: boolean,
  enableReason: string,
): PluginRecord {
  const { manifest } = plugin;
  return {
    id: plugin.id,
    name: manifest.name ?? plugin.id,
    ...(manifest.version !== undefined ? { version: manifest.version } : {}),
    ...(manifest.description !== undefined ? { description: manifest.description } : {}),
    ...(manifest.kind !== undefined ? { kind: manifest.kind } : {}),
    origin: plugin.origin,
    rootDir: plugin.rootDir,
    channels: manifest.channels ?? [],
    enabled,
    enableReason,
    status: enabled ? 'loaded' : 'disabled',
    registered: {
      channels: [],
      tools: [],
      gatewayMethods: [],
      httpRoutes: [],
      cliCommands: 0,
      services: [],
      providers: [],
      hooks: [],
    },
  };
}

/** The route's full path on the gateway: every plugin route lives under its own prefix. */
export function pluginRoutePath(pluginId: string, path: string): string {
  return `/plugins/${pluginId}${path.startsWith('/') ? path : `/${path}`}`;
}

/** Import and register one plugin into `staged`; throws what went wrong. */
async function loadOne(
  plugin: DiscoveredPlugin,
  options: LoadPluginsOptions,
  registry: PluginRegistry,
  staged: PluginRegistry,
  registered: PluginRegistrations,
): Promise<void> {
  const pluginConfig = zodFromJsonSchema(plugin.manifest.configSchema).parse(
    options.config.plugins.entries[plugin.id]?.config ?? {},
  ) as Record<string, unknown>;
  const module: unknown = await importPluginEntry(plugin.entryPath).catch((error: unknown) => {
    // Outside a `"type": "module"` package, Node and tsx take a .ts entry for CommonJS and
    // fail with an error that names neither the cause nor the fix.
    const message = error instanceof Error ? error.message : String(error);
    if (/require\(\) ES Module|Cannot use import statement/.test(message)) {
      throw new Error(
        `${message} — plugin entries are ES modules: add a package.json with {"type": "module"} beside clawdbot.plugin.json`,
        { cause: error },
      );
    }
    throw error;
  });
  const register = registerFunction(module);
  if (!register) throw new Error('its entry exports no register(api) function');
  const reserved = options.reserved ?? {};
  const taken = (
    kind: string,
    name: string,
    builtIn: readonly string[] | undefined,
    others: string[],
  ) => {
    if (builtIn?.includes(name)) throw new PluginRegistrationError(`${kind} "${name}" is built in`);
    if (others.includes(name))
      throw new PluginRegistrationError(
        `${kind} "${name}" is already registered by another plugin`,
      );
  };
  const logger = options.logger.child(plugin.id);
  const api: PluginApi = {
    id: plugin.id,
    name: plugin.manifest.name ?? plugin.id,
    ...(plugin.manifest.version !== undefined ? { version: plugin.manifest.version } : {}),
    origin: plugin.origin,
    rootDir: plugin.rootDir,
    pluginConfig,
    config: options.config,
    logger,
    stateDir: options.stateDir,
    zod: z,
    resolvePath: (relative) =>
      isAbsolute(relative) ? relative : resolve(plugin.rootDir, relative),
    modelProviders: () => modelProvidersOf(registry),
    registerChannel(channel) {
      if (!(plugin.manifest.channels ?? []).includes(channel.id))
        throw new PluginRegistrationError(
          `channel "${channel.id}" is not declared in the manifest's "channels"`,
        );
      taken('channel', channel.id, reserved.channels, [
        ...registry.channels.map((each) => each.channel.id),
        ...staged.channels.map((each) => each.channel.id),
      ]);
      staged.channels.push({ pluginId: plugin.id, channel });
      registered.channels.push(channel.id);
    },
    registerTool(tool) {
      if (!/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name))
        throw new PluginRegistrationError(`tool name "${tool.name}" is not [a-zA-Z0-9_-]{1,64}`);
      taken('tool', tool.name, reserved.tools, [
        ...registry.tools.map((each) => each.tool.name),
        ...staged.tools.map((each) => each.tool.name),
      ]);
      staged.tools.push({ pluginId: plugin.id, tool });
      registered.tools.push(tool.name);
    },
    registerGatewayMethod(method) {
      taken('gateway method', method.method, reserved.gatewayMethods, [
        ...registry.gatewayMethods.map((each) => each.method.method),
        ...staged.gatewayMethods.map((each) => each.method.method),
      ]);
      staged.gatewayMethods.push({ pluginId: plugin.id, method });
      registered.gatewayMethods.push(method.method);
    },
    registerHttpRoute(route) {
      const path = pluginRoutePath(plugin.id, route.path);
      const key = `${route.method} ${path}`;
      if (staged.httpRoutes.some((each) => `${each.route.method} ${each.path}` === key))
        throw new PluginRegistrationError(`HTTP route ${key} is registered twice`);
      staged.httpRoutes.push({ pluginId: plugin.id, path, route });
      registered.httpRoutes.push(key);
    },
    registerCli(registrar) {
      staged.cli.push({ pluginId: plugin.id, registrar });
      registered.cliCommands++;
    },
    registerService(service) {
      staged.services.push({ pluginId: plugin.id, service });
      registered.services.push(service.id);
    },
    registerTemporalPlugin(temporalPlugin) {
      staged.temporalPlugins.push({ pluginId: plugin.id, plugin: temporalPlugin });
      (registered.temporalPlugins ??= []).push(temporalPlugin.name);
    },
    temporal() {
      const current = registry.temporal.current;
      if (!current)
        throw new PluginTemporalUnavailableError(
          'Temporal is not connected yet in this process: call api.temporal() from a handler, not from register()',
        );
      return current;
    },
    registerProvider(provider) {
      if (!(plugin.manifest.providers ?? []).includes(provider.id))
        throw new PluginRegistrationError(
          `provider "${provider.id}" is not declared in the manifest's "providers"`,
        );
      taken('provider', provider.id, builtInProviderIds, [
        ...registry.providers.map((each) => each.provider.id),
        ...staged.providers.map((each) => each.provider.id),
      ]);
      staged.providers.push({ pluginId: plugin.id, provider });
      registered.providers.push(provider.id);
    },
    registerHook(hook, handler, hookOptions) {
      if (!hookNames.includes(hook)) throw new PluginRegistrationError(`unknown hook "${hook}"`);
      staged.hooks.push({
        pluginId: plugin.id,
        hook,
        handler: handler as never,
        priority: hookOptions?.priority ?? 0,
      });
      if (!registered.hooks.includes(hook)) registered.hooks.push(hook);
    },
  };
  await register(api);
}

/**
 * Load every enabled plugin of `discovery` (config must already be validated against the
 * manifests: see validate-config.ts). Never throws for a plugin's own failure.
 */
export async function loadPlugins(options: LoadPluginsOptions): Promise<PluginRegistry> {
  const registry = emptyPluginRegistry(options.discovery);
  for (const plugin of options.discovery.plugins) {
    const state = resolveEnableState(plugin, options.config);
    const record = baseRecord(plugin, state.enabled, state.reason);
    registry.records.push(record);
    if (!state.enabled) continue;
    // Registrations land in `staged` first: a plugin that fails halfway leaves nothing behind.
    const staged = emptyPluginRegistry();
    try {
      await loadOne(plugin, options, registry, staged, record.registered);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      record.status = 'error';
      record.error = reason;
      record.registered = baseRecord(plugin, true, '').registered;
      registry.problems.push({
        rootDir: plugin.rootDir,
        origin: plugin.origin,
        id: plugin.id,
        stage: 'load',
        reason,
      });
      options.logger.error(`plugin ${plugin.id} (${plugin.rootDir}) failed to load: ${reason}`);
      continue;
    }
    registry.channels.push(...staged.channels);
    registry.tools.push(...staged.tools);
    registry.gatewayMethods.push(...staged.gatewayMethods);
    registry.httpRoutes.push(...staged.httpRoutes);
    registry.cli.push(...staged.cli);
    registry.services.push(...staged.services);
    registry.providers.push(...staged.providers);
    registry.hooks.push(...staged.hooks);
    registry.temporalPlugins.push(...staged.temporalPlugins);
  }
  // Stable: equal priorities keep load order.
  registry.hooks.sort((a, b) => b.priority - a.priority);
  for (const shadow of registry.shadowed) {
    options.logger.warn(
      `plugin ${shadow.id} in ${shadow.rootDir} (${shadow.origin}) is shadowed by ${shadow.shadowedBy.rootDir} (${shadow.shadowedBy.origin})`,
    );
  }
  for (const problem of registry.problems) {
    if (problem.stage === 'manifest')
      options.logger.warn(`plugin folder ${problem.rootDir} skipped: ${problem.reason}`);
  }
  return registry;
}
