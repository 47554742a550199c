import { Command, CommanderError, Option } from 'commander';
import { ClawdbotError } from '../core/errors.js';
import type { LogLevel } from '../core/logger.js';
import { clawdbotVersion } from '../core/version.js';
import { registerClientCommands } from './client-commands.js';
import { runSessionsList } from './commands/sessions-list.js';
import { runChannelsStatus } from './commands/channels-status.js';
import { runPairingApprove } from './commands/pairing-approve.js';
import { runPairingList } from './commands/pairing-list.js';
import { registerNodeCommands } from './commands/node-commands.js';
import { runSkillsInstall } from './commands/skills-install.js';
import { runSkillsCheck, runSkillsInfo, runSkillsList } from './commands/skills-list.js';
import { gatewayOptions } from './gateway-command.js';
import { loadCliPlugins, registerPluginCommands } from './plugin-commands.js';
import type * as ChannelsList from './commands/channels-list.js';
import type * as Doctor from './commands/doctor.js';
import type * as Memory from './commands/memory.js';
import type * as Plugins from './commands/plugins.js';
import type * as Run from './commands/run.js';
import type * as SecurityAudit from './commands/security-audit.js';

// The commands below that need the runtime, channels, memory or plugin tables import them
// when they run: a client command (`clawdbot status`) or `--help` then loads a few dozen
// modules instead of every platform SDK, LanceDB and Playwright (seconds at each start).
type ChannelsListFlags = Parameters<typeof ChannelsList.runChannelsList>[0];
type DoctorFlags = Parameters<typeof Doctor.runDoctor>[0];
type MemoryModule = typeof Memory;
type PluginsModule = typeof Plugins;
type ForegroundFlags = Parameters<typeof Run.runForeground>[0];
type SecurityAuditFlags = Parameters<typeof SecurityAudit.runSecurityAudit>[0];

/** The Temporal SDK runtime at our log level: only the processes that run a worker or a native connection need it. */
async function installRuntime(): Promise<void> {
  const { installTemporalRuntime } = await import('./runtime/temporal-runtime.js');
  installTemporalRuntime((process.env.CLAWDBOT_LOG_LEVEL as LogLevel | undefined) ?? 'info');
}

/** `clawdbot gateway` and `clawdbot worker` (run.ts installs the Temporal SDK runtime itself, after spawning the dev server). */
async function runForeground(flags: ForegroundFlags, gateway: boolean): Promise<void> {
  const { runForeground: run } = await import('./commands/run.js');
  await run(flags, gateway);
}

/** `clawdbot plugins ...` (cli/commands/plugins.ts). */
function registerPluginsCommands(program: Command): void {
  const plugins = program
    .command('plugins')
    .description('plugins: list, info, enable, disable, install, doctor');
  const common = (command: Command) =>
    command.option('--state-dir <dir>', 'state directory').option('--json', 'print JSON');
  common(plugins.command('list'))
    .description('every plugin found, enabled or not and why (runs no plugin code)')
    .action(async (flags: Parameters<PluginsModule['runPluginsList']>[0]) => {
      process.exitCode = (await import('./commands/plugins.js')).runPluginsList(flags);
    });
  common(plugins.command('info <id>'))
    .description("one plugin's manifest, state and config key")
    .action(async (id: string, flags: Parameters<PluginsModule['runPluginsInfo']>[1]) => {
      process.exitCode = (await import('./commands/plugins.js')).runPluginsInfo(id, flags);
    });
  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    plugins
      .command(`${name} <id>`)
      .description(`set plugins.entries.<id>.enabled to ${enabled} in clawdbot.json`)
      .option('--state-dir <dir>', 'state directory')
      .action(async (id: string, flags: Parameters<PluginsModule['runPluginsSetEnabled']>[2]) => {
        const { runPluginsSetEnabled } = await import('./commands/plugins.js');
        process.exitCode = runPluginsSetEnabled(id, enabled, flags);
      });
  }
  common(plugins.command('install <source>'))
    .description(
      'copy a plugin folder or .tgz into <stateDir>/extensions/ and show what it registers',
    )
    .option('--force', 'replace an installed plugin with the same id')
    .action(async (source: string, flags: Parameters<PluginsModule['runPluginsInstall']>[1]) => {
      const { runPluginsInstall } = await import('./commands/plugins.js');
      process.exitCode = await runPluginsInstall(source, flags);
    });
  common(plugins.command('doctor'))
    .description('check plugin config and that every enabled plugin loads (imports their code)')
    .action(async (flags: Parameters<PluginsModule['runPluginsDoctor']>[0]) => {
      const { runPluginsDoctor } = await import('./commands/plugins.js');
      process.exitCode = await runPluginsDoctor(flags);
    });
}

/** The `clawdbot` command line; exported so tests and the compose check parse with the real parser. */
export function buildProgram(): Command {
  const program = new Command('clawdbot')
    .description('ClawdBot: a self-hosted personal AI assistant on durable Temporal workflows')
    .version(clawdbotVersion)
    .showHelpAfterError()
    // Usage errors throw instead of exiting, so the CLI can answer them with exit code 2.
    .exitOverride()
    // A group with options of its own (`sessions --json`) must not take a subcommand's
    // `--json` or `--state-dir` away from it.
    .enablePositionalOptions();

  const runtimeOptions = (command: Command) =>
    command
      .option('--state-dir <dir>', 'state directory (default $CLAWDBOT_STATE_DIR or ~/.clawdbot)')
      .option('--temporal-address <host:port>', 'use this Temporal server instead of embedding one')
      .addOption(new Option('--temporal-port <port>', 'gRPC port of the embedded Temporal server'))
      .addOption(
        new Option('--temporal-ui-port <port>', 'Web UI port of the embedded Temporal server'),
      );

  runtimeOptions(program.command('gateway'))
    .description(
      'run the gateway, a worker and (unless --temporal-address) an embedded Temporal server',
    )
    .option('--port <port>', 'gateway port (default 18789)')
    .option('--bind <address>', 'gateway bind address (default 127.0.0.1)')
    .option('--no-worker', 'do not run a worker in this process')
    .option('--no-channels', 'start no messaging channel accounts')
    .action(async (flags: ForegroundFlags) => runForeground(flags, true));

  runtimeOptions(program.command('worker'))
    .description(
      'run a worker only, against --temporal-address (default: the local embedded server)',
    )
    .option(
      '--gateway-url <url>',
      'where to send progress events (default ws://127.0.0.1:18789/internal/events)',
    )
    .action(async (flags: ForegroundFlags) => runForeground({ ...flags, worker: true }, false));

  runtimeOptions(program.command('doctor'))
    .description('check Node, the Temporal CLI, ports, config and model credentials')
    .action(async (flags: DoctorFlags) => {
      await installRuntime();
      process.exitCode = await (await import('./commands/doctor.js')).runDoctor(flags);
    });

  const channels = program.command('channels').description('messaging channels');
  channels
    .command('list')
    .description('channels and the accounts config sets up')
    .option('--state-dir <dir>', 'state directory')
    .option('--json', 'print JSON')
    .action(async (flags: ChannelsListFlags) => {
      const { runChannelsList } = await import('./commands/channels-list.js');
      process.exitCode = await runChannelsList(flags);
    });
  gatewayOptions(channels.command('status'))
    .description("each channel account's live status, from the running gateway")
    .option('--port <port>', 'gateway port (default from config; --url wins)')
    .option('--json', 'print JSON')
    .action(async (flags: Parameters<typeof runChannelsStatus>[0]) => {
      process.exitCode = await runChannelsStatus(flags);
    });

  const sessions = program
    .command('sessions')
    .description(
      "sessions: list, history, reset, delete (bare: read the store's index without a gateway)",
    )
    .option('--state-dir <dir>', 'state directory')
    .option('--limit <n>', 'most sessions to list (default 50)')
    .option('--json', 'print JSON')
    .action(async (flags: Parameters<typeof runSessionsList>[0]) => {
      process.exitCode = await runSessionsList(flags);
    });

  const pairing = program.command('pairing').description('direct-message pairing requests');
  gatewayOptions(pairing.command('list [channel]'))
    .description('pending pairing requests')
    .option('--port <port>', 'gateway port (default from config; --url wins)')
    .option('--json', 'print JSON')
    .action(async (channel: string | undefined, flags: Parameters<typeof runPairingList>[1]) => {
      process.exitCode = await runPairingList(channel, flags);
    });
  gatewayOptions(pairing.command('approve <channel> <code>'))
    .description('allow the sender of a pairing code (and tell them, unless --no-notify)')
    .option('--port <port>', 'gateway port (default from config; --url wins)')
    .option('--no-notify', 'do not message the approved sender')
    .action(
      async (channel: string, code: string, flags: Parameters<typeof runPairingApprove>[2]) => {
        process.exitCode = await runPairingApprove(channel, code, flags);
      },
    );
  const skills = program.command('skills').description('skills: list, check, install');
  skills
    .command('list')
    .description('every skill, where it comes from, and why it is not eligible')
    .option('--state-dir <dir>', 'state directory')
    .option('--eligible', 'only the eligible skills')
    .option('--json', 'print JSON')
    .action((flags: Parameters<typeof runSkillsList>[0]) => {
      process.exitCode = runSkillsList(flags);
    });
  skills
    .command('info <name>')
    .description("one skill's source, status, config key and install options")
    .option('--state-dir <dir>', 'state directory')
    .option('--json', 'print JSON')
    .action((name: string, flags: Parameters<typeof runSkillsInfo>[1]) => {
      process.exitCode = runSkillsInfo(name, flags);
    });
  skills
    .command('check')
    .description('how many skills are usable here, and what the others miss')
    .option('--state-dir <dir>', 'state directory')
    .option('--json', 'print JSON')
    .action((flags: Parameters<typeof runSkillsCheck>[0]) => {
      process.exitCode = runSkillsCheck(flags);
    });
  skills
    .command('install <name>')
    .description("run the skill's install spec that fits this machine (asks first)")
    .option('--state-dir <dir>', 'state directory')
    .option('--yes', 'do not ask')
    .action(async (name: string, flags: Parameters<typeof runSkillsInstall>[1]) => {
      process.exitCode = await runSkillsInstall(name, flags);
    });
  const memory = program.command('memory').description('long-term memory (MEMORY.md, memory/)');
  memory
    .command('status')
    .description('what is indexed, with which embedding model')
    .option('--state-dir <dir>', 'state directory')
    .option('--json', 'print JSON')
    .action(async (flags: Parameters<MemoryModule['runMemoryStatus']>[0]) => {
      process.exitCode = await (await import('./commands/memory.js')).runMemoryStatus(flags);
    });
  memory
    .command('index')
    .description('index the memory files now (only changed chunks are embedded)')
    .option('--state-dir <dir>', 'state directory')
    .option('--json', 'print JSON')
    .action(async (flags: Parameters<MemoryModule['runMemoryIndex']>[0]) => {
      process.exitCode = await (await import('./commands/memory.js')).runMemoryIndex(flags);
    });
  memory
    .command('search <query>')
    .description('search memory by meaning and by words')
    .option('--state-dir <dir>', 'state directory')
    .option('--max <n>', 'results at most')
    .option('--json', 'print JSON')
    .action(async (query: string, flags: Parameters<MemoryModule['runMemorySearch']>[1]) => {
      process.exitCode = await (await import('./commands/memory.js')).runMemorySearch(query, flags);
    });
  program
    .command('security')
    .description('what this set-up exposes')
    .command('audit')
    .description('list exposures (gateway, channels, shells, sandbox, file permissions) and fixes')
    .option('--state-dir <dir>', 'state directory')
    .option('--json', 'print JSON')
    .option('--fix', 'apply the safe fixes (file permissions)')
    .action(async (flags: SecurityAuditFlags) => {
      process.exitCode = (await import('./commands/security-audit.js')).runSecurityAudit(flags);
    });
  registerPluginsCommands(program);
  registerNodeCommands(program);
  registerClientCommands(program, sessions);
  return program;
}

// Run only when executed as the CLI, not when imported (tests import buildProgram).
if (process.argv[1] && /clawdbot(\.js)?$|cli\/main\.ts$/.test(process.argv[1])) {
  try {
    const program = buildProgram();
    // A built-in command needs no plugin commands: skip importing plugins for it (the
    // gateway and worker load them themselves), so only --help and plugin commands pay.
    const name = process.argv[2];
    if (!program.commands.some((command) => command.name() === name)) {
      const plugins = await loadCliPlugins(process.argv);
      if (plugins) registerPluginCommands(program, plugins);
    }
    await program.parseAsync(process.argv);
  } catch (error) {
    // Help and --version "fail" with exit code 0; every other commander error is bad usage.
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    const message =
      error instanceof ClawdbotError ? `${error.code}: ${error.message}` : (error as Error).message;
    process.stderr.write(`clawdbot: ${message}\n`);
    process.exit(1);
  }
}
