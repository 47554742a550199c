/**
 * What a headless node can do. Each command validates its own params and returns a JSON
 * payload, or throws NodeCommandError with a code the gateway passes on. Screen and
 * camera are offered only when this machine has a program for them.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { z } from 'zod';
import { isAllowlisted } from './allowlist.js';

/** A command failure with a stable code (APPROVAL_REQUIRED, INVALID_PARAMS, UNAVAILABLE, ...). */
export class NodeCommandError extends Error {
  override readonly name = 'NodeCommandError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What commands get from the node. */
export interface NodeCommandContext {
  stateDir: string;
  /** Aborted when the gateway connection drops: the result could never be delivered. */
  signal: AbortSignal;
  log(line: string): void;
}

type NodeCommand = (params: unknown, context: NodeCommandContext) => Promise<unknown>;

/** Output kept per stream; a node answers over one WebSocket frame. */
const OUTPUT_CAP = 200_000;

/** The absolute path of a program on PATH, if any. */
export function which(bin: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathEnv.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, bin);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function parse<T extends z.ZodType>(schema: T, params: unknown): z.output<T> {
  const parsed = schema.safeParse(params ?? {});
  if (!parsed.success)
    throw new NodeCommandError('INVALID_PARAMS', z.prettifyError(parsed.error).slice(0, 500));
  return parsed.data;
}

interface Exit {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

function runProcess(
  argv: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs: number; signal: AbortSignal },
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < OUTPUT_CAP) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < OUTPUT_CAP) stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const onAbort = () => child.kill('SIGKILL');
    options.signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (error) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      reject(new NodeCommandError('SPAWN_FAILED', `${argv[0]}: ${error.message}`));
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      resolve({
        exitCode,
        signal,
        timedOut,
        stdout: stdout.slice(0, OUTPUT_CAP),
        stderr: stderr.slice(0, OUTPUT_CAP),
      });
    });
  });
}

const systemRunParams = z.object({
  command: z.array(z.string()).min(1),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  /** Set by the gateway only after the owner approved this very command. */
  approved: z.boolean().optional(),
});

/** system.run: argv (no shell), cwd, env, timeout; unlisted commands need the owner's approval. */
const systemRun: NodeCommand = async (params, context) => {
  const input = parse(systemRunParams, params);
  if (!isAllowlisted(context.stateDir, input.command) && input.approved !== true) {
    throw new NodeCommandError(
      'APPROVAL_REQUIRED',
      `"${input.command.join(' ')}" is not in this node's allowlist; the owner must approve it`,
    );
  }
  context.log(`system.run: ${input.command.join(' ')}`);
  const exit = await runProcess(input.command, {
    ...(input.cwd !== undefined ? { cwd: input.cwd } : {}),
    ...(input.env !== undefined ? { env: input.env } : {}),
    timeoutMs: input.timeoutMs ?? 120_000,
    signal: context.signal,
  });
  return { ...exit, success: exit.exitCode === 0 && !exit.timedOut };
};

const notifyParams = z.object({
  title: z.string().max(200).default('ClawdBot'),
  body: z.string().max(4000),
});

/** system.notify: a desktop notification with notify-send, else a line in the node's log. */
const systemNotify: NodeCommand = async (params, context) => {
  const input = parse(notifyParams, params);
  const notifySend = which('notify-send');
  if (notifySend !== undefined && (process.env.DISPLAY || process.env.WAYLAND_DISPLAY)) {
    const exit = await runProcess([notifySend, input.title, input.body], {
      timeoutMs: 10_000,
      signal: context.signal,
    });
    if (exit.exitCode === 0) return { delivered: 'desktop' };
  }
  context.log(`notification: ${input.title}: ${input.body}`);
  return { delivered: 'log' };
};

const whichParams = z.object({ bins: z.array(z.string().min(1)).min(1).max(50) });

/** system.which: where each program is on this node's PATH (absent ones are left out). */
const systemWhich: NodeCommand = (params) => {
  const input = parse(whichParams, params);
  const bins: Record<string, string> = {};
  for (const bin of input.bins) {
    const found = which(bin);
    if (found !== undefined) bins[bin] = found;
  }
  return Promise.resolve({ bins });
};

async function captureTo(
  argvFor: (file: string) => string[],
  format: string,
  context: NodeCommandContext,
): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'clawdbot-node-'));
  const file = join(dir, `capture.${format}`);
  try {
    const exit = await runProcess(argvFor(file), { timeoutMs: 30_000, signal: context.signal });
    if (exit.exitCode !== 0 || !existsSync(file))
      throw new NodeCommandError('CAPTURE_FAILED', exit.stderr.trim().slice(0, 500) || 'no image');
    return { format, base64: readFileSync(file).toString('base64') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** screen.snapshot, when the node has a display and a screenshot program. */
function screenSnapshot(): NodeCommand | undefined {
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return undefined;
  const grim = process.env.WAYLAND_DISPLAY ? which('grim') : undefined;
  if (grim) return (_params, context) => captureTo((file) => [grim, file], 'png', context);
  const importBin = which('import');
  if (importBin)
    return (_params, context) =>
      captureTo((file) => [importBin, '-window', 'root', file], 'png', context);
  return undefined;
}

/** camera.snap, when the node has a camera device and ffmpeg. */
function cameraSnap(): NodeCommand | undefined {
  const ffmpeg = which('ffmpeg');
  if (ffmpeg === undefined || !existsSync('/dev/video0')) return undefined;
  return (_params, context) =>
    captureTo(
      (file) => [
        ffmpeg,
        '-loglevel',
        'error',
        '-f',
        'video4linux2',
        '-i',
        '/dev/video0',
        '-frames:v',
        '1',
        file,
      ],
      'jpg',
      context,
    );
}

/** The commands this machine can offer, by name (what the node advertises in `commands`). */
export function availableCommands(): Map<string, NodeCommand> {
  const commands = new Map<string, NodeCommand>([
    ['system.run', systemRun],
    ['system.notify', systemNotify],
    ['system.which', systemWhich],
  ]);
  const screen = screenSnapshot();
  if (screen) commands.set('screen.snapshot', screen);
  const camera = cameraSnap();
  if (camera) commands.set('camera.snap', camera);
  return commands;
}

/** The capability groups of a set of commands (`system`, `screen`, `camera`), as OpenClaw's `caps`. */
export function capsOf(commands: Iterable<string>): string[] {
  return [...new Set([...commands].map((name) => name.split('.')[0]!))].sort();
}
