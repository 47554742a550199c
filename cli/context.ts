import { loadConfig, type LoadedConfig } from '../core/config/load.js';
import type { Config } from '../core/config/schema.js';
import { createLogger, type Logger } from '../core/logger.js';
import { parseHostPort } from '../core/net.js';
import { resolveStateDir, statePaths, type StatePaths } from '../core/paths.js';

/** Flags shared by the commands that run ClawdBot. */
export interface RuntimeFlags {
  stateDir?: string;
  temporalAddress?: string;
  temporalPort?: string;
  temporalUiPort?: string;
  port?: string;
  bind?: string;
  gatewayUrl?: string;
}

/** Everything a command needs: where state lives, the validated config, a logger. */
export interface CommandContext {
  paths: StatePaths;
  loaded: LoadedConfig;
  config: Config;
  logger: Logger;
}

function portFlag(name: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`--${name} expects a port number (1-65535), got "${value}"`);
  }
  return port;
}

/** Resolve the state dir, load and validate clawdbot.json, and apply command-line flags over it. */
export function commandContext(
  flags: RuntimeFlags,
  env: NodeJS.ProcessEnv = process.env,
): CommandContext {
  const paths = statePaths(resolveStateDir(flags.stateDir, env));
  const loaded = loadConfig(paths.configFile, env);
  const config = structuredClone(loaded.config);
  if (flags.temporalAddress !== undefined) {
    parseHostPort(flags.temporalAddress);
    config.temporal.address = flags.temporalAddress;
  }
  if (flags.temporalPort !== undefined)
    config.temporal.dev.port = portFlag('temporal-port', flags.temporalPort);
  if (flags.temporalUiPort !== undefined)
    config.temporal.dev.uiPort = portFlag('temporal-ui-port', flags.temporalUiPort);
  if (flags.port !== undefined) config.gateway.port = portFlag('port', flags.port);
  if (flags.bind !== undefined) config.gateway.bind = flags.bind;
  if (flags.gatewayUrl !== undefined) config.worker.gatewayUrl = flags.gatewayUrl;
  if (config.agent.workspace !== undefined) paths.workspaceDir = config.agent.workspace;
  return { paths, loaded, config, logger: createLogger('clawdbot') };
}
