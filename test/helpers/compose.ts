/**
 * docker-compose.yml, read by the tests: the distributed tests run the gateway and worker
 * commands of the compose file as local processes, so they test what compose runs rather
 * than a copy of it that could drift.
 *
 * `composeCommand(service, options)` turns a ClawdBot service of the file (one run from our
 * image, whose entrypoint is the `clawdbot` command) into the arguments after `clawdbot`
 * and the environment of a local process. The rules, in this order:
 *
 * Rule 2 applies to the file's own text, before rule 1, so nothing from `.env` is rewritten.
 *
 * 1. Interpolation as compose does it, from `options.env` only (never process.env):
 *    `${VAR}` is its value or ''; `${VAR:-default}` is default when VAR is unset or empty,
 *    `${VAR-default}` when it is unset; `${VAR:?message}` fails with message when VAR is
 *    unset or empty, `${VAR?message}` when it is unset; `$$` is `$`. A bare `$VAR` fails:
 *    the file does not use that form.
 * 2. Addresses: every `<service>:<port>` that names a service of the file, in arguments and
 *    environment values alike (`temporal:7233`, `ws://gateway:18789/internal/events`,
 *    `postgres://user:password@postgresql:5432/db`), becomes `options.hosts[service]`, the
 *    local host:port where that service listens. A service that is referenced but missing
 *    from `hosts` fails. A `user:password@` is not an address, whatever the password.
 * 3. `--bind 0.0.0.0` becomes `--bind 127.0.0.1`: local processes listen on loopback only.
 * 4. When the service itself is in `hosts` (the gateway), `--port <port of its hosts entry>`
 *    is set, replacing a `--port` of the file.
 * 5. `CLAWDBOT_STATE_DIR` is `options.stateDir` (in the file it is /data, a volume).
 *
 * Nothing else changes. Options must be spelled `--name value` in the file; `--name=value`
 * fails rather than escaping rules 3 and 4.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../../core/paths.js';

/** The compose file the tests read. */
export const composeFilePath = join(packageRoot, 'docker-compose.yml');

/** The parts of a compose service the tests look at. */
export interface ComposeService {
  image?: string;
  build?: string | { context: string };
  entrypoint?: string | string[];
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | Record<string, unknown>)[];
  volumes?: (string | Record<string, unknown>)[];
  container_name?: string;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
}

/** A parsed compose file. */
export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** Options of {@link composeCommand}. */
export interface ComposeCommandOptions {
  /** Local host:port of each compose service the command reaches (and of itself). */
  hosts: Record<string, string>;
  /** Variables for interpolation, as compose reads them from `.env` and the shell. */
  env: Record<string, string | undefined>;
  /** The state dir of this process (a fresh temp dir per process). */
  stateDir: string;
}

/** A compose service as a local `clawdbot` process. */
export interface ComposeCommand {
  /** The arguments after `clawdbot`. */
  args: string[];
  /** The service's environment (add it to a clean environment of your own). */
  env: Record<string, string>;
}

/** Read and parse the compose file. */
export function loadCompose(file: string = composeFilePath): ComposeFile {
  const parsed = parse(readFileSync(file, 'utf8'), { merge: true }) as Partial<ComposeFile> | null;
  if (typeof parsed?.services !== 'object' || parsed.services === null) {
    throw new Error(`${file}: no services`);
  }
  return parsed as ComposeFile;
}

/** One service of the compose file; fails when there is no such service. */
export function composeService(name: string, file: string = composeFilePath): ComposeService {
  const service = loadCompose(file).services[name];
  if (!service) throw new Error(`${file}: no service "${name}"`);
  return service;
}

/** Rule 1: compose's variable interpolation of one value. */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{([^}]*)\}|\$/g, (match, inner: string | undefined) => {
    if (match === '$$') return '$';
    const parts =
      inner === undefined ? null : /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])(.*))?$/s.exec(inner);
    if (!parts) throw new Error(`unsupported interpolation in "${value}"`);
    const [, name = '', colon, operator, operand = ''] = parts;
    const current = env[name];
    const missing = current === undefined || (colon === ':' && current === '');
    if (operator === '-') return missing ? operand : current;
    if (operator === '?' && missing) {
      throw new Error(`required variable ${name} is missing a value: ${operand}`);
    }
    return current ?? '';
  });
}

/** Rule 2: `<service>:<port>` of any of `services` becomes `hosts[service]`. */
export function rewriteAddresses(
  value: string,
  services: string[],
  hosts: Record<string, string>,
): string {
  const names = services.map((name) => name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'));
  // Not preceded by a name character; the port not followed by a name character or by `@`
  // (then it is the password of `user:password@host`).
  const address = new RegExp(`(?<![\\w.-])(${names.join('|')}):(\\d+)(?![\\w@.-])`, 'g');
  return value.replace(address, (match, service: string) => {
    const local = hosts[service];
    if (local === undefined) throw new Error(`no local address for "${match}" (hosts.${service})`);
    return local;
  });
}

function portOf(hostPort: string): string {
  const match = /^[^:\s]+:(\d+)$/.exec(hostPort);
  if (!match?.[1]) throw new Error(`"${hostPort}" is not host:port`);
  return match[1];
}

function environmentOf(service: ComposeService): [string, string | null][] {
  const { environment } = service;
  if (environment === undefined) return [];
  if (Array.isArray(environment)) {
    return environment.map((entry) => {
      const equals = entry.indexOf('=');
      return equals === -1 ? [entry, null] : [entry.slice(0, equals), entry.slice(equals + 1)];
    });
  }
  return Object.entries(environment).map(([name, value]) => [
    name,
    value === null ? null : String(value),
  ]);
}

/** The command and environment of a ClawdBot compose service, for a local process (see the top of this file). */
export function composeCommand(
  name: string,
  options: ComposeCommandOptions,
  file: string = composeFilePath,
): ComposeCommand {
  const compose = loadCompose(file);
  const service = compose.services[name];
  if (!service) throw new Error(`${file}: no service "${name}"`);
  if (service.build === undefined || service.entrypoint !== undefined) {
    throw new Error(`service "${name}" does not run the clawdbot image's entrypoint`);
  }
  if (!Array.isArray(service.command)) {
    throw new Error(`service "${name}": write its command as a list`);
  }
  const services = Object.keys(compose.services);
  // Addresses are rewritten in the file's own text, before interpolation, so that a value
  // from .env (a password with digits after `user:`) can never look like one.
  const local = (value: string) =>
    interpolate(rewriteAddresses(value, services, options.hosts), options.env);

  const args = service.command.map(local);
  const flagged = args.find((arg) => /^--(bind|port)=/.test(arg));
  if (flagged) throw new Error(`service "${name}": write "${flagged}" as two arguments`);
  const bind = args.indexOf('--bind');
  if (bind !== -1 && args[bind + 1] === '0.0.0.0') args[bind + 1] = '127.0.0.1';
  const own = options.hosts[name];
  if (own !== undefined) {
    const port = args.indexOf('--port');
    if (port === -1) args.push('--port', portOf(own));
    else args[port + 1] = portOf(own);
  }

  const env: Record<string, string> = {};
  for (const [variable, value] of environmentOf(service)) {
    if (value !== null) env[variable] = local(value);
    else if (options.env[variable] !== undefined) env[variable] = options.env[variable];
  }
  env.CLAWDBOT_STATE_DIR = options.stateDir;
  return { args, env };
}
