/**
 * Plugins for a `clawdbot` process: the registry from config, with this build's own tool,
 * method and channel names reserved so a plugin cannot take them over.
 */
import { builtInChannels } from '../../channels/index.js';
import { tools } from '../../activities/tools/index.js';
import type { Config } from '../../core/config/schema.js';
import type { Logger } from '../../core/logger.js';
import type { StatePaths } from '../../core/paths.js';
import { loadPluginRegistry } from '../../core/plugins/plugin-runtime.js';
import type { PluginRegistry } from '../../core/plugins/registry.js';
import type { ReservedNames } from '../../core/plugins/loader.js';
import { gatewayMethods } from '../../gateway/methods/index.js';

/** This build's own tool, method and channel names, which no plugin may take. */
export function reservedNames(): ReservedNames {
  return {
    tools: tools.map((tool) => tool.name),
    gatewayMethods: gatewayMethods.map((method) => method.method),
    channels: builtInChannels.map((channel) => channel.id),
  };
}

/** Discover, validate and load the plugins config enables (throws CONFIG_INVALID). */
export function loadProcessPlugins(options: {
  config: Config;
  paths: Pick<StatePaths, 'stateDir' | 'workspaceDir' | 'configFile'>;
  logger: Logger;
}): Promise<PluginRegistry> {
  return loadPluginRegistry({
    config: options.config,
    paths: options.paths,
    logger: options.logger.child('plugins'),
    reserved: reservedNames(),
  });
}
