import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { fileToolError } from './file-io.js';
import { runCommand, type CommandRun } from './run-command.js';
import { processFiles } from './process-store.js';
import { shellCommandLine, shellSandbox } from './shell-sandbox.js';
import { defineTool, ToolError, type ToolContext, type ToolResult } from './tool.js';
import { resolveWorkspacePath } from './workspace-path.js';

const DEFAULT_TIMEOUT_SECONDS = 120;
const MAX_TIMEOUT_SECONDS = 1800;
const MAX_OUTPUT_BYTES = 64 * 1024;
/** ClawdBot's own secrets: a command (and so the model) must never see them. */
const SECRET_ENV_NAMES = ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'CLAWDBOT_GATEWAY_TOKEN'];

const inputSchema = z.object({
  command: z.string().min(1).describe('The bash command line to run (it may span several lines).'),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(MAX_TIMEOUT_SECONDS)
    .default(DEFAULT_TIMEOUT_SECONDS)
    .describe(
      `Seconds before the command and everything it started is killed (default ${DEFAULT_TIMEOUT_SECONDS}).`,
    ),
  cwd: z
    .string()
    .min(1)
    .optional()
    .describe('Directory to run in, relative to the workspace (default: the workspace itself).'),
  background: z
    .boolean()
    .default(false)
    .describe(
      'Start the command in the background and return at once with a process id, for servers ' +
        'and other long-running programs; then use the process tool to read its output, write ' +
        'to its input or stop it. timeoutSeconds does not apply (default false).',
    ),
});

/**
 * The command's environment: ours without our secrets, plus what the eligible skills'
 * config sets (`skills.entries.<key>.env` / `apiKey`). Those are passed to this command
 * only, never put in process.env, so no other session's command sees them; a key the
 * user gave a skill on purpose (even OPENAI_API_KEY) does reach that skill's commands.
 */
function commandEnv(context: ToolContext): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of SECRET_ENV_NAMES) delete env[name];
  return { ...env, ...context.skills?.commandEnv() };
}

async function resolveCwd(workspaceDir: string, cwd = '.'): Promise<string> {
  const dir = await resolveWorkspacePath(workspaceDir, cwd);
  const stats = await stat(dir).catch((error: unknown) => {
    throw fileToolError(error, cwd);
  });
  if (!stats.isDirectory()) {
    throw new ToolError('NOT_A_DIRECTORY', `cwd ${cwd} is not a directory.`, { path: cwd });
  }
  return dir;
}

function status(run: CommandRun, timeoutSeconds: number): string {
  if (run.timedOut) {
    return `[Timed out after ${timeoutSeconds} s; the command and its children were killed.]`;
  }
  if (run.aborted)
    return '[Aborted: the turn was cancelled; the command and its children were killed.]';
  if (run.signal !== null) return `[Killed by signal ${run.signal}.]`;
  return `[Exit code ${run.exitCode}]`;
}

function toResult(run: CommandRun, timeoutSeconds: number): ToolResult {
  const output = run.output.replace(/\n$/, '');
  return {
    // The Anthropic API rejects blank text blocks, so silence is said in words.
    text: `${output.trim() === '' ? '(no output)' : output}\n\n${status(run, timeoutSeconds)}`,
    isError: run.timedOut || run.aborted || run.exitCode !== 0,
    details: {
      exitCode: run.exitCode,
      signal: run.signal,
      timedOut: run.timedOut,
      aborted: run.aborted,
      outputBytes: run.outputBytes,
      omittedBytes: run.omittedBytes,
    },
  };
}

/** Start the command detached, owned by this worker's process table; answer with its id. */
async function startBackground(
  command: string,
  cwd: string,
  context: ToolContext,
): Promise<ToolResult> {
  if (context.processes === undefined) {
    const message =
      'Background processes are not available where this tool runs; run the command without background.';
    throw new ToolError('UNAVAILABLE', message);
  }
  const commandLine = shellCommandLine(command, cwd, context, shellSandbox(context));
  const record = await context.processes.start({
    command,
    ...(commandLine !== command ? { commandLine } : {}),
    cwd,
    env: commandEnv(context),
    sessionKey: context.sessionKey,
  });
  const outputFile = processFiles(context.processes.dir, record.id).output;
  return {
    text:
      `Started in the background as process ${record.id} (pid ${record.pid}); its output goes to ` +
      `${outputFile}. Use the process tool with this id to poll its output, write to its input or kill it.`,
    details: { background: true, processId: record.id, pid: record.pid, outputFile },
  };
}

/** Run a shell command in the workspace. Never retried: a command may have side effects. */
export const bashTool = defineTool({
  name: 'bash',
  description:
    'Run a command with bash in the workspace and return its output (stdout and stderr ' +
    'together) and exit code. It runs non-interactively (no stdin) and is killed with all ' +
    `its children after timeoutSeconds. Output over ${MAX_OUTPUT_BYTES / 1024} KiB is ` +
    'shortened to its beginning and end. For servers or other programs that keep running, set ' +
    'background=true; otherwise anything still running when the command ends is cut off from its output.',
  inputSchema,
  policy: {
    // The activity must outlive the longest command plus the kill grace period.
    startToCloseTimeoutMs: (MAX_TIMEOUT_SECONDS + 60) * 1000,
    maximumAttempts: 1,
    idempotent: false,
    // A dead worker is noticed within seconds; the command heartbeats every 5 s.
    heartbeatTimeoutMs: 12_000,
    hostBound: true,
  },
  async execute(input, context) {
    shellSandbox(context); // no shell at all for a sandboxed session without its backend
    const cwd = await resolveCwd(context.workspaceDir, input.cwd);
    if (context.signal.aborted) {
      const text = '[Aborted before the command started.]';
      return { text, isError: true, details: { aborted: true } };
    }
    if (input.background) return startBackground(input.command, cwd, context);
    const sandbox = shellSandbox(context);
    const run = await runCommand({
      command: shellCommandLine(input.command, cwd, context, sandbox),
      cwd,
      env: commandEnv(context),
      timeoutMs: input.timeoutSeconds * 1000,
      outputHalfBytes: sandbox ? (sandbox.limits.outputKb * 1024) / 2 : MAX_OUTPUT_BYTES / 2,
      signal: context.signal,
      heartbeat: (details) => context.heartbeat(details),
    });
    return toResult(run, input.timeoutSeconds);
  },
});
