import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HealthReport } from '../../core/health.js';
import { packageRoot } from '../../core/paths.js';

/** A `clawdbot` command running as a real child process. */
export interface CliProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Environment for child processes: no real credentials or state dir leak in from the developer's shell. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [
    'ANTHROPIC_API_KEY',
    'OPENAI_API_KEY',
    'OPENAI_BASE_URL',
    'CLAWDBOT_GATEWAY_TOKEN',
    'CLAWDBOT_MODEL',
    'CLAWDBOT_STATE_DIR',
  ]) {
    delete env[name];
  }
  return { ...env, CLAWDBOT_LOG_LEVEL: 'info', ...extra };
}

/** Run `clawdbot <args>` from this checkout. */
export function spawnClawdbot(args: string[], env: NodeJS.ProcessEnv = cleanEnv()): CliProcess {
  const child = spawn(process.execPath, [join(packageRoot, 'bin', 'clawdbot.js'), ...args], {
    cwd: packageRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** A fresh temp state dir, with clawdbot.json written from `config` when given. */
export function makeStateDir(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'clawdbot-test-state-'));
  if (config !== undefined)
    // 0600 as ClawdBot writes it: a looser file makes start-up warn (it holds secrets).
    writeFileSync(join(dir, 'clawdbot.json'), JSON.stringify(config, null, 2), { mode: 0o600 });
  return dir;
}

/**
 * Poll GET /health until it is green; fail early with the process output if the process
 * exits. The default deadline is the hooks' (vitest hookTimeout): with several test files
 * at once on two shared cores, a healthy start has been seen to take 50 s.
 */
export async function waitForHealth(
  url: string,
  cli: CliProcess,
  timeoutMs = 120_000,
): Promise<HealthReport> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void cli.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`clawdbot exited before becoming healthy:\n${cli.output()}`);
    try {
      const response = await fetch(`${url}/health`);
      const report = (await response.json()) as HealthReport;
      if (response.ok && report.ok) return report;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`clawdbot did not become healthy within ${timeoutMs} ms:\n${cli.output()}`);
}

/** All descendants of pid (children, grandchildren, ...), read from /proc. */
export function descendantPids(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(parent, [...(parents.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process went away while we looked
    }
  }
  const result: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of parents.get(queue.shift()!) ?? []) {
      result.push(child);
      queue.push(child);
    }
  }
  return result;
}

/** True while a process with this pid exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
