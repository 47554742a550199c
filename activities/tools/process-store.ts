import { randomBytes, randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

// The on-disk side of background processes: one folder per process under the processes dir,
// holding process.json (written once at start), exit.json (whoever sees the end), poll.json
// (where the last poll stopped) and output.log (the process writes it directly, so its output
// survives the worker). Separate files, so no two writers ever rewrite the same one.

/** A worker, identified well enough to tell later whether it is still the same process. */
export interface WorkerIdentity {
  /** `hostname:pid`, as shown to the model. */
  name: string;
  host: string;
  pid: number;
  /** Kernel boot id: after a reboot every recorded pid is meaningless. */
  bootId: string;
  /** Start time in clock ticks since boot, so a recycled pid is not taken for the worker. */
  startTime: string;
  /** Tells apart two process tables in one process (tests run several workers in one). */
  table: string;
}

/** What is recorded when a background process starts; never rewritten. */
export interface ProcessRecord {
  id: string;
  /** Pid of the process, also its process group id. */
  pid: number;
  /** Its start time (as in WorkerIdentity), to recognise it after its worker is gone. */
  startTime: string;
  command: string;
  cwd: string;
  startedAt: string;
  sessionKey: string;
  /** `hostname:pid` of the worker that started it and holds its stdin. */
  ownerWorker: string;
  owner: WorkerIdentity;
}

/** How a background process ended. */
export interface ProcessExit {
  exitCode: number | null;
  signal: string | null;
  endedAt?: string;
}

/** Where polling left off; `last` lets a retried poll return the same output again. */
export interface PollState {
  offset: number;
  last?: { callKey: string; from: number };
}

/** The files of one background process. */
export function processFiles(dir: string, id: string) {
  const base = join(dir, id);
  return {
    base,
    record: join(base, 'process.json'),
    exit: join(base, 'exit.json'),
    poll: join(base, 'poll.json'),
    output: join(base, 'output.log'),
  };
}

/** The fields of /proc/<pid>/stat after the command name: [0] state, [2] pgrp, [19] starttime. */
function procStat(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

const hasProc = process.platform === 'linux';

/** Start time of a live (not zombie) process, or undefined when there is none. */
export function processStartTime(pid: number): string | undefined {
  if (!hasProc) {
    try {
      process.kill(pid, 0);
      return ''; // elsewhere a live pid is the best we can check
    } catch {
      return undefined;
    }
  }
  const fields = procStat(pid);
  return fields === undefined || fields[0] === 'Z' ? undefined : fields[19];
}

/** How many live (not zombie) processes are in process group `pgid`. */
export function groupSize(pgid: number): number {
  if (!hasProc) {
    try {
      process.kill(-pgid, 0);
      return 1;
    } catch {
      return 0;
    }
  }
  return readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    const fields = procStat(entry);
    return fields !== undefined && fields[2] === String(pgid) && fields[0] !== 'Z';
  }).length;
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

/** Who this process is, for the records of the processes it starts. */
export function currentWorker(): WorkerIdentity {
  const host = hostname();
  return {
    name: `${host}:${process.pid}`,
    host,
    pid: process.pid,
    bootId: bootId(),
    startTime: processStartTime(process.pid) ?? '',
    table: randomBytes(4).toString('hex'),
  };
}

/** Whether `owner` still runs: true, false, or undefined when it is on another host. */
export function workerAlive(owner: WorkerIdentity, self: WorkerIdentity): boolean | undefined {
  if (owner.host !== self.host) return undefined;
  if (owner.bootId !== self.bootId) return false;
  return processStartTime(owner.pid) === owner.startTime;
}

const ADJECTIVES =
  'amber brisk calm dusty eager fuzzy gentle hollow icy jolly keen lucky misty noble olive proud quiet rapid shy tidy vivid witty bold crisp deep fair grand happy lively mellow silver sunny'.split(
    ' ',
  );
const NOUNS =
  'otter falcon maple comet badger cedar dune ember fjord grove heron iris jaguar kite lotus meadow nebula orchid pebble quartz raven spruce tiger valley willow zephyr acorn brook coral delta finch lynx'.split(
    ' ',
  );

function pick(words: string[]): string {
  return words[randomInt(words.length)]!;
}

/** Make the folder of a new process under a fresh id of two short words (`amber-otter`). */
export async function createProcessDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (let attempt = 0; ; attempt += 1) {
    const words = `${pick(ADJECTIVES)}-${pick(NOUNS)}`;
    const id = attempt < 5 ? words : `${words}-${randomInt(1000, 10_000)}`;
    try {
      await mkdir(join(dir, id));
      return id;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Write JSON so a reader sees the old or the new file, never half of one. */
export async function writeJson(file: string, value: unknown): Promise<void> {
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(value)}\n`);
  await rename(temp, file);
}

/** A JSON file written by this module, or undefined when it does not exist (yet). */
export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Every process recorded under `dir`, newest first. */
export async function listRecords(dir: string): Promise<ProcessRecord[]> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  const records = await Promise.all(
    entries.map((id) =>
      readJson<ProcessRecord>(processFiles(dir, id).record).catch(() => undefined),
    ),
  );
  return records
    .filter((record): record is ProcessRecord => record !== undefined)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** Bytes `from` .. `from + maxBytes` of a file, cut back to whole UTF-8 characters. */
export async function readOutput(file: string, from: number, maxBytes: number) {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, Math.min(maxBytes, size - from)));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
    const bytes = buffer.subarray(0, wholeCharacters(buffer.subarray(0, bytesRead)));
    return { text: bytes.toString('utf8'), next: from + bytes.length, size };
  } finally {
    await handle.close();
  }
}

/** Length of `bytes` without a trailing, incomplete UTF-8 sequence (its rest is not written yet). */
function wholeCharacters(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(4, bytes.length); back += 1) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: keep looking for the lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}
