/**
 * `clawdbot plugins list|info|enable|disable|install|doctor`: the plugins of this machine,
 * read from config and the plugin folders without a gateway. `list` and `info` read
 * manifests only (no plugin code runs); `doctor` and `install` import entries to prove
 * they load, in this process, with the user's rights.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../core/config/load.js';
import type { Config } from '../../core/config/schema.js';
import { ClawdbotError } from '../../core/errors.js';
import { createLogger } from '../../core/logger.js';
import type { PluginDiscovery } from '../../core/plugins/discovery.js';
import { resolveEnableState } from '../../core/plugins/enablement.js';
import { baseRecord, loadPlugins } from '../../core/plugins/loader.js';
import { manifestFileName, readManifest } from '../../core/plugins/manifest.js';
import { discoverConfiguredPlugins } from '../../core/plugins/plugin-runtime.js';
import { emptyPluginRegistry, type PluginRegistrations } from '../../core/plugins/registry.js';
import { pluginConfigIssues } from '../../core/plugins/validate-config.js';
import { describePluginRegistry } from '../../gateway/methods/plugins-list.js';
import { commandContext, type CommandContext } from '../context.js';
import { setInText } from '../config-text-edit.js';
import { printJson, processOutput, type Output } from '../gateway-command.js';
import { reservedNames } from '../runtime/plugins.js';
import { parseText, readText, writeText } from './config.js';

/** Flags every plugins command takes. */
export interface PluginsFlags {
  stateDir?: string;
  json?: boolean;
  /** Tests point this at their own stand-in for the bundled `extensions/`. */
  bundledDir?: string;
}

type Context = Pick<CommandContext, 'config' | 'paths'>;

function discover(context: Context, flags: PluginsFlags): PluginDiscovery {
  return discoverConfiguredPlugins({
    config: context.config,
    paths: context.paths,
    ...(flags.bundledDir !== undefined ? { bundledDir: flags.bundledDir } : {}),
  });
}

/** Whether config says anything about this plugin (its entry, or one of its channels). */
function isConfigured(config: Config, id: string, channels: readonly string[]): boolean {
  return id in config.plugins.entries || channels.some((channel) => channel in config.channels);
}

/** The plugins.list answer from manifests and config alone, plus `configured`. */
function localReport(context: Context, flags: PluginsFlags) {
  const discovery = discover(context, flags);
  const registry = emptyPluginRegistry(discovery);
  for (const plugin of discovery.plugins) {
    const state = resolveEnableState(plugin, context.config);
    const record = baseRecord(plugin, state.enabled, state.reason);
    // Nothing was imported: an enabled plugin is only known to be enabled.
    if (state.enabled) record.status = 'enabled';
    registry.records.push(record);
  }
  const report = describePluginRegistry(registry);
  return {
    ...report,
    plugins: report.plugins.map((row) => ({
      ...row,
      configured: isConfigured(context.config, row.id, row.channels),
      shadows: report.shadowed.filter((each) => each.id === row.id).map((each) => each.rootDir),
    })),
  };
}

function fail(output: Output, error: unknown): number {
  if (!(error instanceof ClawdbotError)) throw error;
  output.err(`clawdbot: ${error.message}\n`);
  return 1;
}

/** `plugins list`: every plugin found, enabled or not and why; problems and shadowed copies. */
export function runPluginsList(flags: PluginsFlags, output: Output = processOutput): number {
  try {
    const report = localReport(commandContext(flags), flags);
    if (flags.json) {
      printJson(output, report);
      return 0;
    }
    for (const row of report.plugins) {
      const state = row.enabled ? 'enabled' : 'disabled';
      output.out(
        `${row.id} (${row.kind ?? 'plugin'}, ${row.origin}): ${state}: ${row.enableReason}${row.configured ? '; configured' : ''}\n`,
      );
    }
    for (const shadow of report.shadowed)
      output.out(
        `~ ${shadow.id} in ${shadow.rootDir} is shadowed by ${shadow.shadowedBy.rootDir}\n`,
      );
    for (const problem of report.problems) output.out(`! ${problem.rootDir}: ${problem.reason}\n`);
    return 0;
  } catch (error) {
    return fail(output, error);
  }
}

/** `plugins info <id>`: one plugin's manifest, state and config keys. */
export function runPluginsInfo(
  id: string,
  flags: PluginsFlags,
  output: Output = processOutput,
): number {
  try {
    const context = commandContext(flags);
    const report = localReport(context, flags);
    const row = report.plugins.find((each) => each.id === id);
    if (!row) {
      const problem = report.problems.find((each) => each.id === id);
      if (problem)
        throw new ClawdbotError('INVALID_REQUEST', `${problem.rootDir}: ${problem.reason}`);
      throw new ClawdbotError('NOT_FOUND', `No plugin with id ${id} (see clawdbot plugins list)`);
    }
    const manifest = readManifest(row.rootDir);
    const details = manifest.ok ? manifest.manifest : undefined;
    if (flags.json) {
      printJson(output, { ...row, manifest: details });
      return 0;
    }
    const lines = [
      `${row.name} (${row.id}${row.version !== undefined ? ` ${row.version}` : ''})`,
      ...(row.description !== undefined ? [row.description] : []),
      '',
      `kind:      ${row.kind ?? '-'}`,
      `origin:    ${row.origin} (${row.rootDir})`,
      `status:    ${row.enabled ? 'enabled' : 'disabled'}: ${row.enableReason}`,
      `config:    plugins.entries.${row.id}${row.configured ? ' (configured)' : ''}`,
    ];
    if (row.channels.length > 0) lines.push(`channels:  ${row.channels.join(', ')}`);
    const options = Object.keys(
      (details?.configSchema.properties as Record<string, unknown> | undefined) ?? {},
    );
    if (options.length > 0) lines.push(`options:   ${options.join(', ')}`);
    for (const shadowed of row.shadows) lines.push(`shadows:   ${shadowed}`);
    output.out(`${lines.join('\n')}\n`);
    return 0;
  } catch (error) {
    return fail(output, error);
  }
}

/** `plugins enable|disable <id>`: set plugins.entries.<id>.enabled, keeping the file's comments. */
export function runPluginsSetEnabled(
  id: string,
  enabled: boolean,
  flags: PluginsFlags,
  output: Output = processOutput,
): number {
  try {
    const context = commandContext(flags);
    const discovery = discover(context, flags);
    const known =
      discovery.plugins.some((plugin) => plugin.id === id) ||
      discovery.problems.some((problem) => problem.id === id);
    if (!known)
      throw new ClawdbotError('NOT_FOUND', `No plugin with id ${id} (see clawdbot plugins list)`);
    const file = context.paths.configFile;
    const text = setInText(readText(file), ['plugins', 'entries', id, 'enabled'], enabled);
    // The edited file must validate, plugin parts included, before it replaces the old one.
    const config = parseConfig(parseText(text, file), file);
    const issues = pluginConfigIssues(config, discovery);
    if (issues.length > 0)
      throw new ClawdbotError(
        'CONFIG_INVALID',
        `${enabled ? 'Enabling' : 'Disabling'} ${id} would leave ${file} invalid:\n${issues
          .map((issue) => `  - ${issue.field}: ${issue.message}`)
          .join('\n')}`,
      );
    writeText(file, text);
    const plugin = discovery.plugins.find((each) => each.id === id);
    const state = plugin ? resolveEnableState(plugin, config) : undefined;
    output.out(
      `Set plugins.entries.${id}.enabled = ${enabled} in ${file}` +
        (state && state.enabled !== enabled
          ? ` (but it stays ${state.enabled ? 'enabled' : 'disabled'}: ${state.reason})`
          : '') +
        '\nA running gateway picks this up on its own; restart workers to load the same plugins.\n',
    );
    return 0;
  } catch (error) {
    return fail(output, error);
  }
}

function registrationLines(registered: PluginRegistrations): string[] {
  const lines: string[] = [];
  const add = (label: string, names: readonly string[]) => {
    if (names.length > 0) lines.push(`  ${label}: ${names.join(', ')}`);
  };
  add('channels', registered.channels);
  add('tools', registered.tools);
  add('gateway methods', registered.gatewayMethods);
  add('HTTP routes', registered.httpRoutes);
  if (registered.cliCommands > 0) lines.push(`  CLI commands: ${registered.cliCommands}`);
  add('services', registered.services);
  add('providers', registered.providers);
  add('hooks', registered.hooks);
  return lines.length > 0 ? lines : ['  nothing'];
}

/** `plugins doctor`: check config against the manifests and import every enabled entry. */
export async function runPluginsDoctor(
  flags: PluginsFlags,
  output: Output = processOutput,
): Promise<number> {
  try {
    const context = commandContext(flags);
    const discovery = discover(context, flags);
    const configIssues = pluginConfigIssues(context.config, discovery);
    const registry = await loadPlugins({
      config: context.config,
      discovery,
      stateDir: context.paths.stateDir,
      logger: createLogger('plugins', 'silent'),
      reserved: reservedNames(),
    });
    const report = describePluginRegistry(registry);
    const ok = configIssues.length === 0 && report.problems.length === 0;
    if (flags.json) {
      printJson(output, { ok, configIssues, ...report });
      return ok ? 0 : 1;
    }
    for (const row of report.plugins) {
      const state =
        row.status === 'error'
          ? `failed to load: ${row.error ?? ''}`
          : `${row.status} (${row.enableReason})`;
      output.out(`${row.status === 'error' ? '✗' : '✓'} ${row.id} (${row.origin}): ${state}\n`);
    }
    for (const problem of report.problems.filter((each) => each.stage === 'manifest'))
      output.out(`✗ ${problem.rootDir}: ${problem.reason}\n`);
    for (const shadow of report.shadowed)
      output.out(
        `~ ${shadow.id} in ${shadow.rootDir} is shadowed by ${shadow.shadowedBy.rootDir}\n`,
      );
    for (const issue of configIssues) output.out(`✗ ${issue.field}: ${issue.message}\n`);
    output.out(
      ok
        ? 'All plugins are fine.\n'
        : 'Fix the plugin folders or config above; a broken plugin is skipped, it does not stop the gateway.\n',
    );
    return ok ? 0 : 1;
  } catch (error) {
    return fail(output, error);
  }
}

/** The plugin folder inside an extracted archive: its root, or its one top-level folder (npm pack's `package/`). */
function archiveRoot(dir: string): string {
  if (existsSync(join(dir, manifestFileName))) return dir;
  const entries = readdirSync(dir).filter((name) => statSync(join(dir, name)).isDirectory());
  if (entries.length === 1) return join(dir, entries[0]!);
  return dir;
}

/**
 * `plugins install <path | .tgz>`: validate the manifest, copy the folder (or extract the
 * archive) into `<stateDir>/extensions/<id>/`, then load it here to show what it registers.
 */
export async function runPluginsInstall(
  source: string,
  flags: PluginsFlags & { force?: boolean },
  output: Output = processOutput,
): Promise<number> {
  let scratch: string | undefined;
  try {
    const context = commandContext(flags);
    const from = resolve(source);
    if (!existsSync(from))
      throw new ClawdbotError(
        'NOT_FOUND',
        `${from} does not exist (give a plugin folder or a .tgz)`,
      );
    let root = from;
    if (statSync(from).isFile()) {
      scratch = mkdtempSync(join(tmpdir(), 'clawdbot-plugin-'));
      const tar = spawnSync('tar', ['xzf', from, '-C', scratch], { encoding: 'utf8' });
      if (tar.status !== 0)
        throw new ClawdbotError(
          'INVALID_REQUEST',
          `cannot extract ${from} (is it a .tgz?): ${(tar.stderr || tar.error?.message || '').trim()}`,
        );
      root = archiveRoot(scratch);
    }
    const read = readManifest(root);
    if (!read.ok)
      throw new ClawdbotError('INVALID_REQUEST', `Not installed: ${from}: ${read.reason}`);
    const { id } = read.manifest;
    const target = join(context.paths.stateDir, 'extensions', id);
    if (existsSync(target)) {
      if (!flags.force)
        throw new ClawdbotError(
          'INVALID_REQUEST',
          `Plugin ${id} is already installed in ${target} (use --force to replace it)`,
        );
      rmSync(target, { recursive: true, force: true });
    }
    cpSync(root, target, {
      recursive: true,
      filter: (path) => !path.split(/[\\/]/).includes('.git'),
    });
    // Plugin entries are ES modules; a folder without a package.json would be taken for CommonJS.
    if (!existsSync(join(target, 'package.json'))) {
      writeFileSync(
        join(target, 'package.json'),
        `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`,
      );
    }
    const installed = readManifest(target);
    if (!installed.ok) throw new ClawdbotError('INVALID_REQUEST', installed.reason);
    // Load just this plugin, enabled, to list what it registers (its code runs now).
    const discovery: PluginDiscovery = {
      plugins: [
        {
          id,
          manifest: installed.manifest,
          origin: 'global',
          rootDir: target,
          entryPath: installed.entryPath,
        },
      ],
      problems: [],
      shadowed: [],
    };
    const config = structuredClone(context.config);
    config.plugins.enabled = true;
    config.plugins.allow = [];
    config.plugins.deny = [];
    config.plugins.entries[id] = { ...config.plugins.entries[id], enabled: true };
    const registry = await loadPlugins({
      config,
      discovery,
      stateDir: context.paths.stateDir,
      logger: createLogger('plugins', 'silent'),
      reserved: reservedNames(),
    });
    const record = registry.records[0]!;
    const shadows = discover(context, flags).shadowed.filter(
      (each) => each.id === id && each.shadowedBy.rootDir === target,
    );
    const state = resolveEnableState(discovery.plugins[0]!, context.config);
    if (flags.json) {
      printJson(output, {
        id,
        installedTo: target,
        status: record.status,
        ...(record.error !== undefined ? { error: record.error } : {}),
        registered: record.registered,
        enabled: state.enabled,
        enableReason: state.reason,
        shadows: shadows.map((each) => each.rootDir),
      });
      return record.status === 'error' ? 1 : 0;
    }
    output.out(`Installed ${id} into ${target}\n`);
    for (const shadow of shadows)
      output.out(`It takes precedence over the ${shadow.origin} copy in ${shadow.rootDir}.\n`);
    if (record.status === 'error') {
      output.out(
        `But it does not load: ${record.error ?? ''}\n(fix plugins.entries.${id}.config or the plugin, then run clawdbot plugins doctor)\n`,
      );
    } else {
      output.out(`It registers:\n${registrationLines(record.registered).join('\n')}\n`);
    }
    output.out(
      `${state.enabled ? 'It is enabled' : `It is disabled (${state.reason})`}; restart the gateway and workers to load it.\n` +
        'Plugin code runs inside ClawdBot with your user rights: install only plugins you trust.\n',
    );
    return record.status === 'error' ? 1 : 0;
  } catch (error) {
    return fail(output, error);
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
