import { spawn, type ChildProcess } from 'node:child_process';
import { open, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createProcessDir,
  currentWorker,
  groupSize,
  listRecords,
  processFiles,
  processStartTime,
  readJson,
  workerAlive,
  writeJson,
  type ProcessExit,
  type ProcessRecord,
  type WorkerIdentity,
} from './process-store.js';
import { ToolError } from './tool.js';

/** Between the first signal and SIGKILL, so well-behaved programs can clean up. */
const KILL_GRACE_MS = 3000;
/** How long a write waits for a process to take its input before reporting it queued. */
const WRITE_WAIT_MS = 5000;

/**
 * Runs the command in an inner bash and records its exit status itself, so the status is
 * known even when the worker that started it is gone by then. $1 = command, $2 = exit file.
 */
const WRAPPER =
  'bash -c "$1"; code=$?; printf \'{"exitCode":%d,"signal":null}\\n\' "$code" > "$2.tmp" && mv "$2.tmp" "$2"; exit "$code"';

/** The signals the process tool's kill may send first (SIGKILL follows if needed). */
export type KillSignal = 'SIGTERM' | 'SIGINT' | 'SIGKILL';

/** A background process as seen from this worker. */
export type ProcessStatus =
  | { state: 'running'; owner: 'this-worker' | 'other-worker' | 'other-host' }
  | { state: 'exited'; exit: ProcessExit }
  /** Its worker is gone: nobody holds its stdin or will see it end. */
  | { state: 'lost'; stillRunning: boolean };

/** How to start a background command. */
export interface StartOptions {
  command: string;
  /** What bash really runs, when it differs from `command` (the command in its sandbox). */
  commandLine?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  sessionKey: string;
}

/** The background processes of one worker: started here, their stdin pipes held here. */
export interface ProcessTable {
  /** Where every worker sharing the state dir records its processes. */
  readonly dir: string;
  readonly self: WorkerIdentity;
  start(options: StartOptions): Promise<ProcessRecord>;
  /** A recorded process by id (from any worker), or undefined. */
  find(id: string): Promise<ProcessRecord | undefined>;
  list(): Promise<ProcessRecord[]>;
  status(record: ProcessRecord): Promise<ProcessStatus>;
  /** Send `data` to the stdin of a process this worker started; `callKey` makes a retry a no-op. */
  write(
    record: ProcessRecord,
    data: string,
    options: { eof: boolean; callKey: string },
  ): Promise<'written' | 'queued' | 'repeated'>;
  /** Signal the process group, then SIGKILL after a grace period; resolves once it is gone. */
  kill(
    record: ProcessRecord,
    signal: KillSignal,
    heartbeat: () => void,
  ): Promise<ProcessExit | undefined>;
}

interface LiveProcess {
  child: ChildProcess;
  stdin: Writable;
  exited: Promise<void>;
  /** Calls (run and tool call ids) already written, so a retried write is not sent twice. */
  calls: Set<string>;
  inputClosed: boolean;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone
  }
}

async function waitUntilGone(pgid: number, ms: number, heartbeat: () => void): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupSize(pgid) > 0) {
    if (Date.now() > deadline) return false;
    heartbeat();
    await sleep(100);
  }
  return true;
}

function writeInput(stdin: Writable, data: string): Promise<'written' | 'queued'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve('queued'), WRITE_WAIT_MS);
    stdin.write(data, (error) => {
      clearTimeout(timer);
      if (error)
        reject(
          new ToolError('PROCESS_NOT_RUNNING', `The process closed its input: ${error.message}`),
        );
      else resolve('written');
    });
  });
}

/** Create the table of one worker; call once per worker (createActivities does). */
export function createProcessTable(options: { dir: string }): ProcessTable {
  const { dir } = options;
  const self = currentWorker();
  const live = new Map<string, LiveProcess>();

  const track = (id: string, child: ChildProcess): void => {
    const files = processFiles(dir, id);
    child.on('error', () => {}); // a failed spawn is reported by start(); later errors have no one to go to
    child.stdin?.on('error', () => {}); // EPIPE once it exits; write() reports it
    const exited = new Promise<void>((resolveExit) => {
      child.once('exit', (exitCode, signal) => {
        const exit: ProcessExit = { exitCode, signal, endedAt: new Date().toISOString() };
        void writeJson(files.exit, exit)
          .catch(() => {}) // the wrapper may have recorded it; nobody is waiting for this write
          .finally(() => {
            live.delete(id);
            resolveExit();
          });
      });
    });
    live.set(id, { child, stdin: child.stdin!, exited, calls: new Set(), inputClosed: false });
  };

  return {
    dir,
    self,
    async start({ command, commandLine, cwd, env, sessionKey }) {
      const id = await createProcessDir(dir);
      const files = processFiles(dir, id);
      const log = await open(files.output, 'a');
      try {
        // Its own session and process group (detached), so kill reaches everything it starts
        // and it outlives this worker; output goes straight to the file, not through us.
        const run = commandLine ?? command;
        const child = spawn('bash', ['-c', WRAPPER, 'clawdbot-process', run, files.exit], {
          cwd,
          env,
          detached: true,
          stdio: ['pipe', log.fd, log.fd],
        });
        track(id, child);
        await new Promise<void>((resolve, reject) => {
          child.once('spawn', resolve);
          child.once('error', reject);
        });
        child.unref(); // a worker shutting down does not wait for background processes
        const pid = child.pid!;
        const record: ProcessRecord = {
          id,
          pid,
          startTime: processStartTime(pid) ?? '',
          command,
          cwd,
          startedAt: new Date().toISOString(),
          sessionKey,
          ownerWorker: self.name,
          owner: self,
        };
        await writeJson(files.record, record);
        return record;
      } catch (error) {
        live.delete(id);
        await rm(files.base, { recursive: true, force: true });
        throw error;
      } finally {
        await log.close();
      }
    },
    async find(id) {
      if (!/^[a-z0-9-]{1,64}$/.test(id)) return undefined; // ids are words; nothing else is a path
      return readJson<ProcessRecord>(processFiles(dir, id).record).catch(() => undefined);
    },
    list: () => listRecords(dir),
    async status(record) {
      const exit = await readJson<ProcessExit>(processFiles(dir, record.id).exit);
      if (exit !== undefined) return { state: 'exited', exit };
      if (record.owner.table === self.table && live.has(record.id)) {
        return { state: 'running', owner: 'this-worker' };
      }
      const alive = record.owner.table === self.table ? false : workerAlive(record.owner, self);
      if (alive === undefined) return { state: 'running', owner: 'other-host' };
      if (alive) return { state: 'running', owner: 'other-worker' };
      return { state: 'lost', stillRunning: processStartTime(record.pid) === record.startTime };
    },
    async write(record, data, { eof, callKey }) {
      const entry = live.get(record.id);
      if (entry === undefined) {
        throw new ToolError('PROCESS_NOT_RUNNING', `Process ${record.id} is not running here.`);
      }
      if (entry.calls.has(callKey)) return 'repeated';
      entry.calls.add(callKey);
      if (entry.inputClosed) {
        throw new ToolError(
          'PROCESS_NOT_RUNNING',
          `The input of process ${record.id} was already closed (eof).`,
        );
      }
      const outcome = data === '' ? 'written' : await writeInput(entry.stdin, data);
      if (eof) {
        entry.stdin.end();
        entry.inputClosed = true;
      }
      return outcome;
    },
    async kill(record, signal, heartbeat) {
      const files = processFiles(dir, record.id);
      const entry = live.get(record.id);
      signalGroup(record.pid, signal);
      let sent: NodeJS.Signals = signal;
      if (!(await waitUntilGone(record.pid, KILL_GRACE_MS, heartbeat))) {
        sent = 'SIGKILL';
        signalGroup(record.pid, sent);
        await waitUntilGone(record.pid, KILL_GRACE_MS, heartbeat);
      }
      if (entry !== undefined) {
        await Promise.race([entry.exited, sleep(KILL_GRACE_MS)]); // the exit handler records it
      } else if ((await readJson<ProcessExit>(files.exit)) === undefined) {
        // Nobody else will: its worker is gone and the wrapper died with the group.
        await writeJson(files.exit, {
          exitCode: null,
          signal: sent,
          endedAt: new Date().toISOString(),
        });
      }
      return readJson<ProcessExit>(files.exit);
    },
  };
}
