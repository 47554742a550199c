/**
 * The one call a process makes at start-up: discover plugins, check config against their
 * manifests (a problem stops start-up like any config error), then load the enabled
 * ones. The gateway and every worker call it with the same config, so they load the same
 * plugins.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { StatePaths } from '../paths.js';
import { discoverPlugins, type PluginDiscovery } from './discovery.js';
import { loadPlugins, type ReservedNames } from './loader.js';
import type { PluginRegistry } from './registry.js';
import { assertPluginConfig } from './validate-config.js';

/** Where to look and what this process reserves. */
export interface PluginRuntimeOptions {
  config: Config;
  paths: Pick<StatePaths, 'stateDir' | 'workspaceDir' | 'configFile'>;
  logger: Logger;
  reserved?: ReservedNames;
  /** The bundled plugins folder (default `<packageRoot>/extensions`). */
  bundledDir?: string;
}

/** Discover (manifests only) with the roots config and paths give. */
export function discoverConfiguredPlugins(
  options: Pick<PluginRuntimeOptions, 'config' | 'paths' | 'bundledDir'>,
): PluginDiscovery {
  return discoverPlugins({
    loadPaths: options.config.plugins.load.paths,
    workspaceDir: options.paths.workspaceDir,
    stateDir: options.paths.stateDir,
    ...(options.bundledDir !== undefined ? { bundledDir: options.bundledDir } : {}),
  });
}

/** Discover, validate (throws CONFIG_INVALID) and load. */
export async function loadPluginRegistry(options: PluginRuntimeOptions): Promise<PluginRegistry> {
  const discovery = discoverConfiguredPlugins(options);
  assertPluginConfig(options.config, discovery, options.paths.configFile);
  return loadPlugins({
    config: options.config,
    discovery,
    stateDir: options.paths.stateDir,
    logger: options.logger,
    ...(options.reserved ? { reserved: options.reserved } : {}),
  });
}

/**
 * Config for the channel layer: `channels.<id>` sections of plugin channels whose plugin
 * did not load (disabled, denied, or failed) are left out with a warning instead of
 * failing as unknown channels — the plugin was reported already.
 */
export function channelConfigWithPlugins(
  config: Config,
  registry: PluginRegistry,
  logger: Logger,
): Config {
  const loaded = new Set(registry.channels.map((each) => each.channel.id));
  const dropped = Object.keys(config.channels).filter(
    (id) => registry.declaredChannels.has(id) && !loaded.has(id),
  );
  if (dropped.length === 0) return config;
  for (const id of dropped) {
    const record = registry.records.find((each) => each.id === registry.declaredChannels.get(id));
    const why =
      record?.status === 'error'
        ? `failed to load: ${record.error ?? 'unknown error'}`
        : (record?.enableReason ?? 'not loaded');
    logger.warn(`channels.${id} is configured but its plugin ${record?.id ?? '?'} is off (${why})`);
  }
  return {
    ...config,
    channels: Object.fromEntries(
      Object.entries(config.channels).filter(([id]) => !dropped.includes(id)),
    ),
  };
}
