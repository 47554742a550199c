/**
 * Commands that enabled plugins add through `registerCli`. They are loaded before the
 * command line is parsed, so they show in `clawdbot --help` and run like built-in ones.
 * Start-up stays cheap: nothing is imported unless config enables at least one plugin,
 * and a config or plugin that fails here is left for the command itself (or
 * `clawdbot plugins doctor`) to report — it never stops the CLI.
 */
import type { Command } from 'commander';
import { loadConfig } from '../core/config/load.js';
import { createLogger } from '../core/logger.js';
import { resolveStateDir, statePaths } from '../core/paths.js';
import { resolveEnableState } from '../core/plugins/enablement.js';
import { discoverConfiguredPlugins } from '../core/plugins/plugin-runtime.js';
import type { PluginRegistry } from '../core/plugins/registry.js';

/** `--state-dir <dir>` or `--state-dir=<dir>` anywhere on the command line. */
function stateDirArg(argv: readonly string[]): string | undefined {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--state-dir') return argv[index + 1];
    if (arg.startsWith('--state-dir=')) return arg.slice('--state-dir='.length);
  }
  return undefined;
}

/** The registry of the plugins config enables, or undefined when none is (or config is unreadable). */
export async function loadCliPlugins(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<PluginRegistry | undefined> {
  try {
    const paths = statePaths(resolveStateDir(stateDirArg(argv), env));
    const { config } = loadConfig(paths.configFile, env);
    if (config.agent.workspace !== undefined) paths.workspaceDir = config.agent.workspace;
    if (!config.plugins.enabled) return undefined;
    const discovery = discoverConfiguredPlugins({ config, paths });
    if (!discovery.plugins.some((plugin) => resolveEnableState(plugin, config).enabled))
      return undefined;
    // Imported only now: the tool and method tables are not needed by a plain CLI start.
    const { loadProcessPlugins } = await import('./runtime/plugins.js');
    return await loadProcessPlugins({ config, paths, logger: createLogger('clawdbot', 'error') });
  } catch {
    return undefined;
  }
}

/**
 * Let each plugin add its commands. commander refuses a second command of an existing
 * name by throwing, so a plugin cannot take over a built-in command: its registrar stops
 * there (commands it added before stay) and the clash is reported.
 */
export function registerPluginCommands(
  program: Command,
  registry: PluginRegistry,
  warn: (text: string) => void = (text) => process.stderr.write(text),
): void {
  for (const { pluginId, registrar } of registry.cli) {
    try {
      registrar(program);
    } catch (error) {
      warn(
        `clawdbot: plugin ${pluginId} could not add its commands: ${(error as Error).message}\n`,
      );
    }
  }
}
