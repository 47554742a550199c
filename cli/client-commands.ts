/**
 * The commands a person uses against a running ClawdBot (agent, chat, status, health,
 * logs, sessions, cron, approvals, message) and the ones about its files (config,
 * onboard, completion), registered on the program in one place so cli/main.ts only
 * calls this once.
 */
import { Option, type Command } from 'commander';
import { runAgent } from './commands/agent.js';
import { runApprovalsList, runApprovalsResolve } from './commands/approvals.js';
import { runChat } from './commands/chat.js';
import { runCompletion } from './commands/completion.js';
import {
  runConfigEdit,
  runConfigGet,
  runConfigSchema,
  runConfigSet,
  runConfigUnset,
  runConfigValidate,
} from './commands/config.js';
import {
  runCronAdd,
  runCronList,
  runCronRemove,
  runCronRun,
  runCronRuns,
} from './commands/cron.js';
import { runLogs } from './commands/logs.js';
import { runMessageSend } from './commands/message-send.js';
import { runOnboard } from './commands/onboard.js';
import { onboardChannelHelp, onboardChannelIds } from './onboard-channels.js';
import {
  runSessionsDelete,
  runSessionsHistory,
  runSessionsListRemote,
  runSessionsReset,
} from './commands/sessions.js';
import { runHealth, runStatus } from './commands/status.js';
import { gatewayOptions } from './gateway-command.js';

type Flags<F extends (...args: never[]) => unknown, I extends number> = Parameters<F>[I];

const json = (command: Command) => command.option('--json', 'print JSON');
const client = (command: Command) => json(gatewayOptions(command));

/** Register the client commands; `sessions` is the existing command the subcommands join. */
export function registerClientCommands(program: Command, sessions: Command): void {
  client(program.command('agent'))
    .description('run one agent turn and print the reply as it streams')
    .requiredOption('-m, --message <text>', 'the message to send')
    .option('--session <key>', 'session key (default: the main session)')
    .option('--no-stream', 'print the reply once, at the end')
    .option('--timeout <seconds>', 'give up waiting after this long (default 600)')
    .action(async (flags: Flags<typeof runAgent, 0>) => {
      process.exitCode = await runAgent(flags);
    });

  gatewayOptions(program.command('chat'))
    .description('interactive chat in the terminal (Ctrl-C stops a reply, /reset, /exit)')
    .option('--session <key>', 'session key (default: the main session)')
    .option('--history <n>', 'messages of history to show first (default 20)')
    .action(async (flags: Flags<typeof runChat, 0>) => {
      process.exitCode = await runChat(flags);
    });

  client(program.command('status'))
    .description('gateway, Temporal, worker, channels, approvals and sessions at a glance')
    .action(async (flags: Flags<typeof runStatus, 0>) => {
      process.exitCode = await runStatus(flags);
    });

  client(program.command('health'))
    .description("the gateway's health probe (exit code 1 when not healthy)")
    .action(async (flags: Flags<typeof runHealth, 0>) => {
      process.exitCode = await runHealth(flags);
    });

  client(program.command('logs'))
    .description("the gateway's and workers' log lines")
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('--limit <n>', 'lines to show first (default 200)')
    .addOption(
      new Option('--level <level>', 'this level and above').choices([
        'debug',
        'info',
        'warn',
        'error',
      ]),
    )
    .option('--search <text>', 'only lines mentioning this (a session key, a run id)')
    .option('--interval <ms>', 'how often --follow asks (default 1000)')
    .action(async (flags: Flags<typeof runLogs, 0>) => {
      process.exitCode = await runLogs(flags);
    });

  client(sessions.command('list'))
    .description('sessions from the running gateway, newest first')
    .option('--limit <n>', 'most sessions to list (default 50)')
    .option('--search <text>', 'only sessions whose key or label contains this')
    .action(async (flags: Flags<typeof runSessionsListRemote, 0>) => {
      process.exitCode = await runSessionsListRemote(flags);
    });
  client(sessions.command('history <key>'))
    .description("a session's last messages")
    .option('--limit <n>', 'messages (default 50)')
    .action(async (key: string, flags: Flags<typeof runSessionsHistory, 1>) => {
      process.exitCode = await runSessionsHistory(key, flags);
    });
  client(sessions.command('reset <key>'))
    .description('start the session over (the old transcript is kept)')
    .action(async (key: string, flags: Flags<typeof runSessionsReset, 1>) => {
      process.exitCode = await runSessionsReset(key, flags);
    });
  client(sessions.command('delete <key>'))
    .description('forget a session (its transcript is archived)')
    .action(async (key: string, flags: Flags<typeof runSessionsDelete, 1>) => {
      process.exitCode = await runSessionsDelete(key, flags);
    });

  const cron = program.command('cron').description('scheduled agent turns');
  client(cron.command('list'))
    .description('the scheduled jobs')
    .action(async (flags: Flags<typeof runCronList, 0>) => {
      process.exitCode = await runCronList(flags);
    });
  client(cron.command('add'))
    .description('schedule a turn: --cron, --every, --at or --in, and --message')
    .requiredOption('-m, --message <text>', 'what the turn is asked')
    .option('--name <name>', 'a name for the job')
    .option('--cron <expr>', 'cron expression, e.g. "0 9 * * 1-5"')
    .option('--tz <zone>', 'IANA time zone of --cron (default: this machine)')
    .option('--every <duration>', 'interval, e.g. 30m, 2h')
    .option('--at <time>', 'once, at an ISO time with offset')
    .option('--in <duration>', 'once, after this long, e.g. 10m')
    .option('--session <key>', 'session the turns run in (default main)')
    .option('--isolated', 'run each turn in a session of its own')
    .action(async (flags: Flags<typeof runCronAdd, 0>) => {
      process.exitCode = await runCronAdd(flags);
    });
  client(cron.command('remove <id>'))
    .description('stop a job')
    .action(async (id: string, flags: Flags<typeof runCronRemove, 1>) => {
      process.exitCode = await runCronRemove(id, flags);
    });
  client(cron.command('run <id>'))
    .description('fire a job now')
    .action(async (id: string, flags: Flags<typeof runCronRun, 1>) => {
      process.exitCode = await runCronRun(id, flags);
    });
  client(cron.command('runs <id>'))
    .description("a job's recent runs and its next fire time")
    .option('--limit <n>', 'runs (default 20, at most 50)')
    .action(async (id: string, flags: Flags<typeof runCronRuns, 1>) => {
      process.exitCode = await runCronRuns(id, flags);
    });

  const approvals = program.command('approvals').description('tool calls waiting for a decision');
  client(approvals.command('list'))
    .description('the waiting tool calls')
    .action(async (flags: Flags<typeof runApprovalsList, 0>) => {
      process.exitCode = await runApprovalsList(flags);
    });
  for (const decision of ['allow', 'deny'] as const) {
    client(approvals.command(`${decision} <id>`))
      .description(decision === 'allow' ? 'let the tool call run' : 'refuse the tool call')
      .option('--reason <text>', 'told to the model')
      .action(async (id: string, flags: Flags<typeof runApprovalsResolve, 2>) => {
        process.exitCode = await runApprovalsResolve(id, decision, flags);
      });
  }

  const config = program.command('config').description('clawdbot.json: read, change, check');
  const stateDir = (command: Command) =>
    command.option(
      '--state-dir <dir>',
      'state directory (default $CLAWDBOT_STATE_DIR or ~/.clawdbot)',
    );
  json(stateDir(config.command('get [key]')))
    .description('a value (defaults applied, secrets hidden), or the whole config')
    .option('--file', 'what the file itself says, without defaults')
    .option('--show-secrets', 'do not hide tokens and keys')
    .action((key: string | undefined, flags: Flags<typeof runConfigGet, 1>) => {
      process.exitCode = runConfigGet(key, flags);
    });
  stateDir(config.command('set <key> <value>'))
    .description('set a value (JSON5: 19000, true, {...}; else a string), keeping comments')
    .option('--string', 'store the value as a string as given')
    .action((key: string, value: string, flags: Flags<typeof runConfigSet, 2>) => {
      process.exitCode = runConfigSet(key, value, flags);
    });
  stateDir(config.command('unset <key>'))
    .description('remove a value (its default applies again)')
    .action((key: string, flags: Flags<typeof runConfigUnset, 1>) => {
      process.exitCode = runConfigUnset(key, flags);
    });
  json(stateDir(config.command('validate')))
    .description('check the config (exit code 1 with the problems)')
    .action((flags: Flags<typeof runConfigValidate, 0>) => {
      process.exitCode = runConfigValidate(flags);
    });
  config
    .command('schema')
    .description('the JSON Schema of clawdbot.json')
    .action(() => {
      process.exitCode = runConfigSchema();
    });
  stateDir(config.command('edit'))
    .description('open the config in $EDITOR; saved only when valid')
    .action((flags: Flags<typeof runConfigEdit, 0>) => {
      process.exitCode = runConfigEdit(flags);
    });

  const message = program.command('message').description('messages outside any agent turn');
  client(message.command('send'))
    .description('send a message to a channel target through the gateway')
    .requiredOption('--to <target>', 'chat, channel or user id on the channel')
    .option('--channel <name>', 'channel (default: the only one configured)')
    .option('--text <text>', 'the message text')
    .option('--media <url...>', 'media URLs to attach')
    .option('--account <id>', 'channel account (default: default)')
    .action(async (flags: Flags<typeof runMessageSend, 0>) => {
      process.exitCode = await runMessageSend(flags);
    });

  json(stateDir(program.command('onboard')))
    .description('first run: model provider and key, gateway token, first channel')
    .option('--non-interactive', 'take every answer from flags')
    .addOption(new Option('--provider <name>', 'model provider').choices(['anthropic', 'openai']))
    .option('--api-key <key>', "the provider's API key")
    .option('--base-url <url>', "the provider's API base URL (proxies, compatible servers)")
    .option('--model <model>', 'default model')
    .option('--gateway-token <token>', 'gateway token (default: a new random one)')
    .addOption(
      new Option('--channel <name>', 'first channel').choices([...onboardChannelIds, 'none']),
    )
    .option(
      '--channel-field <key=value>',
      `a credential of the channel, repeat for each: ${onboardChannelHelp()}`,
      (pair: string, previous: string[] = []) => [...previous, pair],
    )
    .option('--channel-token <token>', "shorthand for the channel's first field (its bot token)")
    .option('--skip-check', 'do not check the key with the provider')
    .action(async (flags: Flags<typeof runOnboard, 0>) => {
      process.exitCode = await runOnboard(flags);
    });

  program
    .command('completion')
    .description('print a shell completion script')
    .argument('<shell>', 'bash, zsh or fish')
    .action((shell: string) => {
      process.exitCode = runCompletion(shell, program);
    });
}
