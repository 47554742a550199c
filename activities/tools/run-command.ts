import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Between SIGTERM and SIGKILL, so well-behaved programs can clean up. */
const KILL_GRACE_MS = 3000;
/** After bash exits, how long background children may keep the output pipe open. */
const DRAIN_MS = 500;
/** How often a doomed process group is probed for having died. */
const GROUP_POLL_MS = 100;
const HEARTBEAT_MS = 5000;

/** How to run one command line. */
export interface CommandOptions {
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Output kept: this many bytes of the start and as many of the end. */
  outputHalfBytes: number;
  signal: AbortSignal;
  heartbeat(details: { outputBytes: number }): void;
}

/** How a command ended, with its (possibly shortened) combined output. */
export interface CommandRun {
  output: string;
  outputBytes: number;
  omittedBytes: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
}

/** Keeps the first and last `half` bytes of a stream and counts what falls between. */
class CappedOutput {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private readonly tail: Buffer[] = [];
  private tailBytes = 0;
  totalBytes = 0;

  constructor(private readonly half: number) {}

  push(chunk: Buffer): void {
    this.totalBytes += chunk.length;
    const room = this.half - this.headBytes;
    if (room > 0) {
      this.head.push(chunk.subarray(0, room));
      this.headBytes += Math.min(room, chunk.length);
      chunk = chunk.subarray(room);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes - this.tail[0]!.length >= this.half) {
      this.tailBytes -= this.tail.shift()!.length;
    }
  }

  /** The kept text, with a line saying how much was cut from the middle. */
  text(): { text: string; omittedBytes: number } {
    const tail = Buffer.concat(this.tail);
    const kept = tail.subarray(Math.max(0, tail.length - this.half));
    const omittedBytes = this.totalBytes - this.headBytes - kept.length;
    if (omittedBytes === 0) {
      // Decoded in one piece so a character split between head and tail survives.
      return { text: Buffer.concat([...this.head, kept]).toString('utf8'), omittedBytes };
    }
    const marker = `\n[... ${omittedBytes} bytes of output omitted ...]\n`;
    const head = Buffer.concat(this.head).toString('utf8');
    return { text: head + marker + kept.toString('utf8'), omittedBytes };
  }
}

/**
 * Whether any process of group `pgid` still runs. Zombies do not count: they stay members
 * until reaped, and the PID 1 of a container may reap late or never. Linux only reads /proc
 * (in memory, a few microseconds a process); elsewhere zombies count.
 */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  return readdirSync('/proc').some((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After the command name in parentheses: state, ppid, pgrp, ...
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return group === String(pgid) && state !== 'Z';
    } catch {
      return false; // exited meanwhile
    }
  });
}

/**
 * Run `bash -c` as the leader of a new process group, so timeout and abort can signal the
 * whole tree at once: SIGTERM, then SIGKILL after a grace period. Resolves once bash has
 * exited (and, when the tree was killed, once the whole group is gone); rejects only when
 * bash cannot be started.
 */
export function runCommand(options: CommandOptions): Promise<CommandRun> {
  return new Promise((resolveRun, reject) => {
    // One pipe for both streams keeps stdout and stderr in the order they were written. On
    // the command's first line, so bash's error messages keep the caller's line numbers.
    const child = spawn('bash', ['-c', `exec 2>&1; ${options.command}`], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = new CappedOutput(options.outputHalfBytes);
    let timedOut = false;
    let aborted = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let groupPoll: NodeJS.Timeout | undefined;
    let killedHard = false;

    const signalGroup = (signal: NodeJS.Signals): boolean => {
      if (child.pid === undefined) return false;
      try {
        process.kill(-child.pid, signal);
        return true;
      } catch {
        return false; // the group is gone
      }
    };
    const killTree = (): void => {
      signalGroup('SIGTERM');
      killTimer ??= setTimeout(() => {
        killedHard = signalGroup('SIGKILL');
      }, KILL_GRACE_MS);
    };
    const onAbort = (): void => {
      aborted = true;
      killTree();
    };
    const timeoutTimer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, options.timeoutMs);
    const heartbeatTimer = setInterval(
      () => options.heartbeat({ outputBytes: output.totalBytes }),
      HEARTBEAT_MS,
    );
    options.signal.addEventListener('abort', onAbort, { once: true });
    if (options.signal.aborted) onAbort();

    const stopWatching = (): void => {
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(drainTimer);
      clearInterval(heartbeatTimer);
      options.signal.removeEventListener('abort', onAbort);
      // Stop waiting for background children that still hold the pipe: like after a shell
      // exits, they keep running (unless a timeout or abort doomed the group).
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    const finish = (): void => {
      if (settled || exit === undefined) return;
      stopWatching();
      const { text, omittedBytes } = output.text();
      const run: CommandRun = {
        output: text,
        outputBytes: output.totalBytes,
        omittedBytes,
        exitCode: exit.code,
        signal: exit.signal,
        timedOut,
        aborted,
      };
      if (killTimer === undefined) return resolveRun(run);
      // A killed tree: answer once nothing of it runs (or SIGKILL, which cannot be ignored,
      // has gone out), so nothing outlives the tool. Once the group is gone its id may be
      // reused, so the pending SIGKILL is cancelled then.
      const answerWhenGone = (): void => {
        if (!killedHard && child.pid !== undefined && groupAlive(child.pid)) return;
        clearInterval(groupPoll);
        clearTimeout(killTimer);
        resolveRun(run);
      };
      groupPoll = setInterval(answerWhenGone, GROUP_POLL_MS);
      answerWhenGone();
    };

    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', (error) => {
      stopWatching();
      clearTimeout(killTimer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      drainTimer = setTimeout(finish, DRAIN_MS);
    });
    child.on('close', finish);
  });
}
