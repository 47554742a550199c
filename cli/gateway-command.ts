/**
 * What every command that talks to a running gateway shares: the `--url`, `--token`,
 * `--password` and `--state-dir` flags (defaults from config), the connection, and one
 * way of turning failures into a message that says what to do and exit code 1.
 */
import type { Command } from 'commander';
import { ClawdbotError } from '../core/errors.js';
import { loadConfig } from '../core/config/load.js';
import { resolveStateDir, statePaths } from '../core/paths.js';
import { GatewayUnreachableError, gatewayWsUrl } from './gateway-client.js';
import { openGateway, type GatewayConnection } from './gateway-connection.js';

/** The flags of a gateway command. */
export interface GatewayFlags {
  url?: string;
  token?: string;
  password?: string;
  stateDir?: string;
  json?: boolean;
}

/** Where output goes (tests pass their own). */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** stdout and stderr. */
export const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Add the connection flags to a command. */
export function gatewayOptions(command: Command): Command {
  return command
    .option('--url <url>', 'gateway WebSocket URL (default from config: ws://127.0.0.1:18789/)')
    .option(
      '--token <token>',
      'gateway token (default gateway.auth.token or $CLAWDBOT_GATEWAY_TOKEN)',
    )
    .option('--password <password>', 'gateway password (default gateway.auth.password)')
    .option('--state-dir <dir>', 'state directory (default $CLAWDBOT_STATE_DIR or ~/.clawdbot)');
}

/** The gateway URL and credentials: flags first, then config and the environment. */
export function gatewayTarget(
  flags: GatewayFlags,
  env: NodeJS.ProcessEnv = process.env,
): { url: string; token?: string; password?: string } {
  const paths = statePaths(resolveStateDir(flags.stateDir, env));
  const { config } = loadConfig(paths.configFile, env);
  const token = flags.token ?? config.gateway.auth.token;
  const password = flags.password ?? config.gateway.auth.password;
  return {
    url: flags.url ?? gatewayWsUrl(config),
    ...(token === undefined ? {} : { token }),
    ...(password === undefined ? {} : { password }),
  };
}

/** The sentence a failed gateway command prints, with what to do about it. */
export function explainFailure(error: unknown, url: string): string {
  if (error instanceof GatewayUnreachableError) {
    return (
      `gateway not reachable at ${url} (${error.message}): start it with \`clawdbot gateway\`, ` +
      'or point --url at a running one'
    );
  }
  if (error instanceof ClawdbotError) {
    const hint =
      error.code === 'UNAUTHORIZED'
        ? ': pass --token or --password (or set gateway.auth in clawdbot.json)'
        : error.code === 'UNAVAILABLE'
          ? ' (see `clawdbot status` and `clawdbot logs`)'
          : '';
    return `${error.code}: ${error.message}${hint}`;
  }
  return (error as Error).message;
}

/**
 * Connect, run `body`, close; any failure is printed with its hint and becomes exit
 * code 1. The body returns its own exit code.
 */
export async function withGateway(
  flags: GatewayFlags,
  output: Output,
  body: (gateway: GatewayConnection) => Promise<number>,
): Promise<number> {
  let url = flags.url ?? '(config)';
  let gateway: GatewayConnection | undefined;
  try {
    const target = gatewayTarget(flags);
    url = target.url;
    gateway = await openGateway(target);
    return await body(gateway);
  } catch (error) {
    output.err(`clawdbot: ${explainFailure(error, url)}\n`);
    return 1;
  } finally {
    gateway?.close();
  }
}

/** Print a value as JSON (the `--json` form of every command). */
export function printJson(output: Output, value: unknown): void {
  output.out(`${JSON.stringify(value, null, 2)}\n`);
}
