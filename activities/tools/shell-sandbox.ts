/**
 * How bash and process run in a sandboxed turn: inside bubblewrap, or not at all. There is
 * no fallback to the host's shell: a missing backend is an error the model can report.
 */
import { sandboxSchema, type SandboxConfig } from '../../core/security/config-schema.js';
import { sandboxedCommandLine, sandboxProblem } from '../../core/security/sandbox.js';
import type { ProcessTable } from './process-table.js';
import { ToolError, type ToolContext } from './tool.js';

/** The sandbox settings of this call, or undefined when the turn is not sandboxed. */
export function shellSandbox(context: ToolContext): SandboxConfig | undefined {
  const decided = context.access?.sandbox;
  if (!decided) return undefined;
  // The network setting is the one decided at the turn's start, like the sandbox itself.
  const config = {
    ...(context.config?.sandbox ?? sandboxSchema.parse({})),
    network: decided.network,
  };
  const problem = context.access?.shellUnavailable ?? sandboxProblem(config);
  if (problem !== undefined) {
    throw new ToolError('SANDBOX_UNAVAILABLE', `No shell in this session: ${problem}.`);
  }
  return config;
}

/** The command line bash runs for `command`: itself, or wrapped in the sandbox. */
export function shellCommandLine(
  command: string,
  cwd: string,
  context: ToolContext,
  sandbox: SandboxConfig | undefined,
): string {
  if (!sandbox) return command;
  return sandboxedCommandLine(
    { config: sandbox, workspaceDir: context.workspaceDir, cwd },
    command,
  );
}

/**
 * The process table as a sandboxed session sees it: only the processes it started, so a
 * stranger's session can neither read nor kill the owner's.
 */
export function sessionProcesses(table: ProcessTable, context: ToolContext): ProcessTable {
  if (!context.access?.sandbox && context.access?.trust !== 'other') return table;
  const own = (sessionKey: string) => sessionKey === context.sessionKey;
  return {
    ...table,
    async find(id) {
      const record = await table.find(id);
      return record && own(record.sessionKey) ? record : undefined;
    },
    async list() {
      return (await table.list()).filter((record) => own(record.sessionKey));
    },
  };
}
