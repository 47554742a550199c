/**
 * The bubblewrap sandbox for shell tools: the session's workspace read-write, system
 * directories read-only, nothing else of the host's file system (so neither the user's
 * home nor the state dir), no network unless allowed, and rlimits on CPU time, memory,
 * processes and file size. Shell tools call sandboxedCommandLine and run the result
 * with bash as they would any command, so timeouts, kills and output caps stay theirs.
 */
import { accessSync, constants, lstatSync, readlinkSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { SandboxConfig } from './config-schema.js';

/** System directories the sandbox sees read-only (when the host has them). */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/opt'];
/** The few /etc files programs need; the rest of /etc may hold secrets (shadow, keys). */
const ETC_FILES = [
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/alternatives',
  '/etc/passwd',
  '/etc/group',
  '/etc/nsswitch.conf',
  '/etc/hosts',
  '/etc/resolv.conf',
  '/etc/ssl',
  '/etc/ca-certificates',
  '/etc/localtime',
  '/etc/mime.types',
];

/** Where a bwrap binary is, or undefined when it cannot be run. */
export function findBubblewrap(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const candidates =
    isAbsolute(path) || path.includes('/')
      ? [path]
      : (env.PATH ?? '')
          .split(delimiter)
          .filter(Boolean)
          .map((dir) => join(dir, path));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Why sandboxed commands cannot run on this host, written for the model and the user, or
 * undefined when the backend is there.
 */
export function sandboxProblem(config: SandboxConfig): string | undefined {
  if (findBubblewrap(config.bubblewrapPath) !== undefined) return undefined;
  return (
    `the sandbox backend (bubblewrap, "${config.bubblewrapPath}") is not installed on this host, ` +
    'and sandboxed sessions never fall back to an unsandboxed shell. Install it ' +
    '(Debian/Ubuntu: apt-get install bubblewrap); `clawdbot doctor` checks it'
  );
}

/** Quote one word for bash. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function systemMounts(): string[] {
  const args: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    try {
      const stats = lstatSync(dir);
      // Merged /usr: /bin is a link into /usr, and stays one inside.
      if (stats.isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
      else args.push('--ro-bind', dir, dir);
    } catch {
      // not on this host
    }
  }
  for (const file of ETC_FILES) args.push('--ro-bind-try', file, file);
  return args;
}

/** What one sandboxed command needs. */
export interface SandboxSpec {
  config: SandboxConfig;
  /** The session's sandbox workspace (absolute; it exists). */
  workspaceDir: string;
  /** Where the command starts, inside the workspace. */
  cwd: string;
}

/**
 * A bash command line that runs `command` inside the sandbox: limits set by the outer
 * shell (inherited through bwrap), then bwrap with a fresh environment. When the
 * sandbox's process dies, --die-with-parent and the PID namespace take everything
 * inside it along, so killing the outer process group still ends the whole tree.
 */
export function sandboxedCommandLine(spec: SandboxSpec, command: string): string {
  const { config, workspaceDir, cwd } = spec;
  const binary = findBubblewrap(config.bubblewrapPath) ?? config.bubblewrapPath;
  const limits = config.limits;
  const args = [
    binary,
    '--die-with-parent',
    '--unshare-all',
    // Always a user namespace, with no capabilities: even root outside is nobody special inside.
    '--unshare-user',
    '--cap-drop',
    'ALL',
    ...(config.network ? ['--share-net'] : []),
    ...systemMounts(),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
    '--bind',
    workspaceDir,
    workspaceDir,
    '--chdir',
    cwd,
    '--clearenv',
    '--setenv',
    'PATH',
    '/usr/local/bin:/usr/bin:/bin',
    '--setenv',
    'HOME',
    workspaceDir,
    '--setenv',
    'LANG',
    'C.UTF-8',
    '--setenv',
    'TMPDIR',
    '/tmp',
    'bash',
    '-c',
    command,
  ];
  const ulimits = [
    `ulimit -t ${limits.cpuSeconds}`,
    `ulimit -v ${limits.memoryMb * 1024}`,
    `ulimit -u ${limits.processes}`,
    `ulimit -f ${limits.fileSizeMb * 1024}`,
  ].join(' && ');
  return `${ulimits} && exec ${args.map(shellQuote).join(' ')}`;
}
