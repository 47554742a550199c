import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { readLogLines } from './process-log.js';
import {
  processFiles,
  readJson,
  readOutput,
  writeJson,
  type PollState,
  type ProcessRecord,
} from './process-store.js';
import type { ProcessStatus, ProcessTable } from './process-table.js';
import { sessionProcesses, shellSandbox } from './shell-sandbox.js';
import { defineTool, ToolError, type ToolContext, type ToolResult } from './tool.js';

/** Output returned by one poll; the rest waits for the next. */
const MAX_POLL_BYTES = 32 * 1024;
const MAX_WAIT_SECONDS = 60;

const processId = z
  .string()
  .min(1)
  .describe(
    'The id bash returned when it started the process in the background, e.g. "amber-otter".',
  );

// One tool with one variant per action: each action takes exactly its own fields, and the
// schema (not hand-written checks) says which. The union sits under `request` because the
// model APIs want an object at the top of a tool's input.
const requestSchema = z.discriminatedUnion('action', [
  z
    .object({ action: z.literal('list').describe('List the background processes.') })
    .describe('List background processes: id, status (running, exited(code) or lost), command.'),
  z
    .object({
      action: z.literal('poll').describe('Get new output and status.'),
      processId,
      waitSeconds: z
        .number()
        .int()
        .min(0)
        .max(MAX_WAIT_SECONDS)
        .default(0)
        .describe(
          'Wait up to this many seconds for new output or for the process to end (default 0).',
        ),
    })
    .describe('The output written since the previous poll, and whether the process still runs.'),
  z
    .object({
      action: z.literal('log').describe('Read lines of the whole output.'),
      processId,
      offset: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe('First line to show, 1-based (default: the last `limit` lines).'),
      limit: z
        .number()
        .int()
        .min(1)
        .max(2000)
        .default(200)
        .describe('How many lines to show (default 200).'),
    })
    .describe('Lines of the full output so far; does not affect what poll returns next.'),
  z
    .object({
      action: z.literal('write').describe('Send input.'),
      processId,
      data: z
        .string()
        .describe('Text to send to its stdin, as is: end it with "\\n" to complete a line.'),
      eof: z
        .boolean()
        .default(false)
        .describe('Close its stdin afterwards, so it sees the end of its input.'),
    })
    .describe("Write to the process's stdin."),
  z
    .object({
      action: z.literal('kill').describe('Stop it.'),
      processId,
      signal: z
        .enum(['SIGTERM', 'SIGINT', 'SIGKILL'])
        .default('SIGTERM')
        .describe(
          'Signal sent first to the process and everything it started; SIGKILL follows after 3 s.',
        ),
    })
    .describe('Stop the process and everything it started.'),
]);

const inputSchema = z.object({
  request: requestSchema.describe(
    'What to do: `action` picks the operation; each takes only its own fields.',
  ),
});

type Request = z.output<typeof requestSchema>;

/** The status in words; a lost process's text says what losing its worker means. */
function statusText(record: ProcessRecord, status: ProcessStatus): string {
  switch (status.state) {
    case 'running':
      if (status.owner === 'this-worker') return `running (pid ${record.pid})`;
      if (status.owner === 'other-worker')
        return `running (pid ${record.pid}, started by worker ${record.ownerWorker})`;
      return `running on ${record.owner.host} as far as is known (its worker ${record.ownerWorker} is on another host)`;
    case 'exited': {
      const { exitCode, signal } = status.exit;
      return signal !== null ? `killed by ${signal}` : `exited with code ${exitCode}`;
    }
    case 'lost':
      // Its wrapper records a normal exit even without a worker; a lost process that no
      // longer runs was killed by a signal that took the wrapper along.
      return (
        `lost: the worker that started it (${record.ownerWorker}) is gone, so nothing can write ` +
        (status.stillRunning
          ? `to its input; it still runs as pid ${record.pid} (kill stops it)`
          : 'to its input; it no longer runs, and how it ended is unknown')
      );
  }
}

/** The line that heads poll and log results. */
function heading(record: ProcessRecord, status: ProcessStatus): string {
  const output = status.state === 'lost' ? '; its output up to then is below' : '';
  return `[Process ${record.id}: ${statusText(record, status)}${output}.]`;
}

/** Whether it may still write output: a lost process may run on without its worker. */
function runs(status: ProcessStatus): boolean {
  return status.state === 'running' || (status.state === 'lost' && status.stillRunning);
}

function shortStatus(status: ProcessStatus): string {
  if (status.state === 'exited') {
    return status.exit.signal !== null
      ? `killed(${status.exit.signal})`
      : `exited(${status.exit.exitCode})`;
  }
  return status.state;
}

async function lookUp(table: ProcessTable, id: string) {
  const record = await table.find(id);
  if (record === undefined) {
    const message = `No background process "${id}". The process tool's list action shows them all.`;
    throw new ToolError('PROCESS_NOT_FOUND', message, { processId: id });
  }
  return { record, status: await table.status(record) };
}

async function list(table: ProcessTable): Promise<ToolResult> {
  const records = (await table.list()).slice(0, 50);
  if (records.length === 0) return { text: 'No background processes.', details: { processes: [] } };
  const rows = await Promise.all(
    records.map(async (record) => ({ record, status: shortStatus(await table.status(record)) })),
  );
  const lines = rows.map(
    ({ record, status }) =>
      `${record.id}  ${status}  pid ${record.pid}  started ${record.startedAt} by ${record.ownerWorker}  $ ${record.command.split('\n')[0]!.slice(0, 80)}`,
  );
  const processes = rows.map(({ record, status }) => ({ id: record.id, status, pid: record.pid }));
  return { text: lines.join('\n'), details: { processes } };
}

async function poll(
  table: ProcessTable,
  request: Extract<Request, { action: 'poll' }>,
  context: ToolContext,
) {
  const { record } = await lookUp(table, request.processId);
  const files = processFiles(table.dir, record.id);
  const state = (await readJson<PollState>(files.poll)) ?? { offset: 0 };
  // A retried poll (same run and tool call) starts where its first attempt started.
  const callKey = `${context.runId}/${context.toolCallId}`;
  const from = state.last?.callKey === callKey ? state.last.from : state.offset;
  const deadline = Date.now() + request.waitSeconds * 1000;
  let status = await table.status(record);
  let output = await readOutput(files.output, from, MAX_POLL_BYTES);
  while (output.next === from && runs(status) && Date.now() < deadline && !context.signal.aborted) {
    context.heartbeat({ processId: record.id });
    await sleep(200);
    status = await table.status(record);
    output = await readOutput(files.output, from, MAX_POLL_BYTES);
  }
  await writeJson(files.poll, { offset: output.next, last: { callKey, from } } satisfies PollState);
  const more = output.size - output.next;
  const text = [
    heading(record, status),
    '',
    output.text === '' ? '(no new output)' : output.text.replace(/\n$/, ''),
    ...(more > 0 ? ['', `[${more} more bytes of output; poll again for them.]`] : []),
  ].join('\n');
  const details = {
    processId: record.id,
    status: shortStatus(status),
    from,
    to: output.next,
    more,
  };
  return { text, isError: status.state === 'lost', details };
}

async function log(table: ProcessTable, request: Extract<Request, { action: 'log' }>) {
  const { record, status } = await lookUp(table, request.processId);
  const window = await readLogLines(
    processFiles(table.dir, record.id).output,
    request.offset,
    request.limit,
  );
  if (request.offset !== undefined && request.offset > Math.max(window.total, 1)) {
    const message = `Offset ${request.offset} is past the end of the output of ${record.id} (${window.total} lines).`;
    throw new ToolError('OFFSET_OUT_OF_RANGE', message, { total: window.total });
  }
  const range =
    window.lines.length === 0
      ? 'No output yet'
      : `Lines ${window.first}-${window.first + window.lines.length - 1} of ${window.total}`;
  const body = window.lines.length === 0 ? '(no output)' : window.lines.join('\n');
  const text = `${heading(record, status)}\n\n${body}\n\n[${range}.]`;
  return {
    text,
    details: {
      processId: record.id,
      status: shortStatus(status),
      first: window.first,
      total: window.total,
    },
  };
}

/** Writing and killing need the process in hand: started by this worker, or orphaned. */
function refuseForeign(
  record: ProcessRecord,
  status: ProcessStatus,
  self: string,
  what: string,
): void {
  if (status.state === 'running' && status.owner !== 'this-worker') {
    throw new ToolError(
      'PROCESS_NOT_OWNED',
      `Cannot ${what} process ${record.id}: it belongs to worker ${record.ownerWorker}, which is ` +
        `still running, and only that worker can ${what} it (this call ran on ${self}).`,
      { processId: record.id, ownerWorker: record.ownerWorker },
    );
  }
}

async function write(
  table: ProcessTable,
  request: Extract<Request, { action: 'write' }>,
  context: ToolContext,
) {
  const { record, status } = await lookUp(table, request.processId);
  refuseForeign(record, status, table.self.name, 'write to');
  if (status.state !== 'running') {
    const why = statusText(record, status);
    throw new ToolError(
      'PROCESS_NOT_RUNNING',
      `Cannot write to process ${record.id}: it is ${why}.`,
      { processId: record.id },
    );
  }
  const callKey = `${context.runId}/${context.toolCallId}`;
  const outcome = await table.write(record, request.data, { eof: request.eof, callKey });
  const bytes = Buffer.byteLength(request.data);
  const sent = {
    written: `Wrote ${bytes} bytes to the input of process ${record.id}`,
    queued: `Queued ${bytes} bytes for process ${record.id}: it has not read its input yet`,
    repeated: `Already wrote this input to process ${record.id} (a retry of the same call)`,
  }[outcome];
  const text = `${sent}${request.eof ? '; its input is now closed' : ''}. Poll it for the response.`;
  return { text, details: { processId: record.id, bytes, outcome, eof: request.eof } };
}

async function kill(
  table: ProcessTable,
  request: Extract<Request, { action: 'kill' }>,
  context: ToolContext,
) {
  const { record, status } = await lookUp(table, request.processId);
  refuseForeign(record, status, table.self.name, 'kill');
  if (status.state === 'exited' || (status.state === 'lost' && !status.stillRunning)) {
    const text = `Process ${record.id} is not running: it is ${statusText(record, status)}.`;
    return { text, details: { processId: record.id, status: shortStatus(status) } };
  }
  const exit = await table.kill(record, request.signal, () =>
    context.heartbeat({ processId: record.id }),
  );
  const how =
    exit?.signal != null
      ? `killed by ${exit.signal}`
      : `exited with code ${exit?.exitCode ?? 'unknown'}`;
  return {
    text: `Stopped process ${record.id} (pid ${record.pid}): ${how}.`,
    details: { processId: record.id, exit },
  };
}

/** Look after processes that bash started in the background: output, input, and stopping them. */
export const processTool = defineTool({
  name: 'process',
  description:
    'Manage commands started with bash background=true. Actions: list (all of them with status), ' +
    'poll (output since the previous poll, and status; waitSeconds waits for some), log (any ' +
    'lines of the full output), write (send text to its stdin), kill (stop it and everything it ' +
    'started). A process whose worker has gone away is "lost": its output stays readable.',
  inputSchema,
  // Polls and lists are reads (a retried poll repeats its output rather than losing it); a
  // retried write is recognised by its call id and not sent twice; kill is kill. So retries are safe.
  policy: {
    startToCloseTimeoutMs: (MAX_WAIT_SECONDS + 30) * 1000,
    maximumAttempts: 3,
    idempotent: true,
    heartbeatTimeoutMs: 12_000,
    hostBound: true,
  },
  async execute({ request }, context): Promise<ToolResult> {
    if (context.processes === undefined) {
      throw new ToolError(
        'UNAVAILABLE',
        'Background processes are not available where this tool runs.',
      );
    }
    shellSandbox(context); // a sandboxed session without its backend has no shell tools at all
    const table = sessionProcesses(context.processes, context);
    switch (request.action) {
      case 'list':
        return list(table);
      case 'poll':
        return poll(table, request, context);
      case 'log':
        return log(table, request);
      case 'write':
        return write(table, request, context);
      case 'kill':
        return kill(table, request, context);
    }
  },
});
