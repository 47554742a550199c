import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bashTool } from './bash.js';
import { processFiles, type ProcessRecord } from './process-store.js';
import { createProcessTable, type ProcessTable } from './process-table.js';
import { processTool } from './process.js';
import {
  runTool,
  toolJsonSchema,
  type ToolContext,
  type ToolDefinition,
  type ToolResult,
} from './tool.js';

let base: string;
let workspace: string;
let processesDir: string;
let table: ProcessTable;
let calls = 0;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'clawdbot-process-')));
  workspace = join(base, 'workspace');
  processesDir = join(base, 'processes');
  await mkdir(workspace);
  table = createProcessTable({ dir: processesDir });
});
afterEach(async () => {
  for (const record of await table.list()) {
    try {
      process.kill(-record.pid, 'SIGKILL'); // whatever a failed test left running
    } catch {
      // already gone
    }
  }
  // Retries: the killed processes' exit records may still be landing in their folders.
  await rm(base, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

function call(
  tool: ToolDefinition,
  args: unknown,
  options: { table?: ProcessTable | null; toolCallId?: string } = {},
) {
  const context: ToolContext = {
    workspaceDir: workspace,
    sessionKey: 'test',
    runId: 'run-1',
    toolCallId: options.toolCallId ?? `call-${calls++}`,
    signal: new AbortController().signal,
    heartbeat: () => {},
    ...(options.table === null ? {} : { processes: options.table ?? table }),
  };
  return runTool(tool, args, context);
}

async function start(command: string, on = table): Promise<string> {
  const result = await call(bashTool, { command, background: true }, { table: on });
  expect(result.text).toMatch(/^Started in the background as process [a-z]+-[a-z]+ \(pid \d+\)/);
  return (result.details as { processId: string }).processId;
}

const processCall = (request: Record<string, unknown>, options?: Parameters<typeof call>[2]) =>
  call(processTool, { request }, options);

/** Poll until the process has ended, collecting all output. */
async function pollToEnd(processId: string): Promise<{ output: string; last: ToolResult }> {
  let output = '';
  for (;;) {
    const last = await processCall({ action: 'poll', processId, waitSeconds: 5 });
    const body = last.text.split('\n\n').slice(1).join('\n\n');
    if (body !== '(no new output)') output += `${body}\n`;
    if (!/: running/.test(last.text)) return { output, last };
  }
}

function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

async function recordOf(processId: string): Promise<ProcessRecord> {
  return JSON.parse(
    await readFile(processFiles(processesDir, processId).record, 'utf8'),
  ) as ProcessRecord;
}

describe('process tool schema', () => {
  it('describes every field of every action for the model', () => {
    const schema = toolJsonSchema(processTool) as {
      properties: {
        request: { oneOf: { properties: Record<string, { description?: string }> }[] };
      };
    };
    const variants = schema.properties.request.oneOf;
    expect(variants).toHaveLength(5);
    for (const variant of variants) {
      for (const [field, property] of Object.entries(variant.properties)) {
        expect(property.description, field).toBeTruthy();
      }
    }
  });
});

describe('bash background + process', () => {
  it('polls output as it comes, writes to stdin, and kills the process group', async () => {
    const id = await start('echo ready; read line; echo "got $line"; sleep 300');
    const first = await processCall({ action: 'poll', processId: id, waitSeconds: 5 });
    expect(first.text).toMatch(
      new RegExp(`^\\[Process ${id}: running \\(pid \\d+\\)\\.\\]\n\nready$`),
    );
    expect((await processCall({ action: 'poll', processId: id })).text).toContain(
      '(no new output)',
    );

    expect(await processCall({ action: 'write', processId: id, data: 'hello\n' })).toMatchObject({
      text: `Wrote 6 bytes to the input of process ${id}. Poll it for the response.`,
    });
    const second = await processCall({ action: 'poll', processId: id, waitSeconds: 5 });
    expect(second.text.endsWith('\n\ngot hello')).toBe(true);

    const { pid } = await recordOf(id);
    const killed = await processCall({ action: 'kill', processId: id });
    expect(killed.text).toBe(`Stopped process ${id} (pid ${pid}): killed by SIGTERM.`);
    expect(isRunning(pid)).toBe(false);
    expect((await processCall({ action: 'poll', processId: id })).text).toContain(
      ': killed by SIGTERM.]',
    );
    expect((await processCall({ action: 'list' })).text).toMatch(
      new RegExp(`^${id}  killed\\(SIGTERM\\)  pid ${pid} .* \\$ echo ready; read line`),
    );
  });

  it('returns the same output again to a retried poll (same call id), and moves on for the next', async () => {
    const id = await start('echo one; sleep 300');
    const first = await processCall(
      { action: 'poll', processId: id, waitSeconds: 5 },
      { toolCallId: 'poll-a' },
    );
    const retried = await processCall({ action: 'poll', processId: id }, { toolCallId: 'poll-a' });
    expect(retried.text).toBe(first.text);
    expect(retried.text).toContain('one');
    expect(
      (await processCall({ action: 'poll', processId: id }, { toolCallId: 'poll-b' })).text,
    ).toContain('(no new output)');
  });

  it('reads log lines by offset and limit, and the tail by default', async () => {
    const id = await start('seq 1 500');
    const { last } = await pollToEnd(id);
    expect(last.text).toContain(': exited with code 0.]');
    const window = await processCall({ action: 'log', processId: id, offset: 10, limit: 3 });
    expect(window.text).toBe(
      `[Process ${id}: exited with code 0.]\n\n10\n11\n12\n\n[Lines 10-12 of 500.]`,
    );
    expect((await processCall({ action: 'log', processId: id, limit: 2 })).text).toContain(
      '\n\n499\n500\n\n[Lines 499-500 of 500.]',
    );
    expect(await processCall({ action: 'log', processId: id, offset: 600 })).toMatchObject({
      isError: true,
      details: { code: 'OFFSET_OUT_OF_RANGE' },
    });
  });

  it('closes stdin with eof, and does not send a retried write twice', async () => {
    const id = await start('cat');
    await processCall({ action: 'write', processId: id, data: 'abc\n' }, { toolCallId: 'write-1' });
    const retried = await processCall(
      { action: 'write', processId: id, data: 'abc\n' },
      { toolCallId: 'write-1' },
    );
    expect(retried.text).toMatch(/^Already wrote this input/);
    await processCall({ action: 'write', processId: id, data: 'end\n', eof: true });
    const { output, last } = await pollToEnd(id);
    expect(output).toBe('abc\nend\n');
    expect(last.text).toContain(': exited with code 0.]');
    expect(await processCall({ action: 'write', processId: id, data: 'late' })).toMatchObject({
      details: { code: 'PROCESS_NOT_RUNNING' },
    });
  });

  it('refuses write and kill on a process another live worker owns, but lets it be polled', async () => {
    const other = createProcessTable({ dir: processesDir });
    const id = await start('echo mine; sleep 300', other);
    const poll = await processCall({ action: 'poll', processId: id, waitSeconds: 5 });
    expect(poll.text).toMatch(/running \(pid \d+, started by worker [^)]+\)/);
    for (const request of [
      { action: 'write', processId: id, data: 'x' },
      { action: 'kill', processId: id },
    ]) {
      const refused = await processCall(request);
      expect(refused).toMatchObject({ isError: true, details: { code: 'PROCESS_NOT_OWNED' } });
      expect(refused.text).toContain('which is still running, and only that worker can');
    }
    await processCall({ action: 'kill', processId: id }, { table: other });
  });

  it('reports a process whose worker is gone as lost, with its output, and can still kill it', async () => {
    const id = await start('echo before; sleep 300');
    await processCall({ action: 'poll', processId: id, waitSeconds: 5 });
    // What a dead worker's record looks like: its pid no longer runs with that start time.
    const record = await recordOf(id);
    const files = processFiles(processesDir, id);
    await writeFile(
      files.record,
      JSON.stringify({ ...record, owner: { ...record.owner, startTime: 'gone' } }),
    );
    await writeFile(files.poll, JSON.stringify({ offset: 0 }));
    const next = createProcessTable({ dir: processesDir });

    const poll = await processCall({ action: 'poll', processId: id }, { table: next });
    expect(poll.isError).toBe(true);
    expect(poll.text).toContain(`lost: the worker that started it (${record.ownerWorker}) is gone`);
    expect(poll.text).toContain(`it still runs as pid ${record.pid}`);
    expect(poll.text).toMatch(/its output up to then is below\.\]\n\nbefore$/);
    expect((await processCall({ action: 'list' }, { table: next })).text).toMatch(
      new RegExp(`^${id}  lost `),
    );
    expect(
      await processCall({ action: 'write', processId: id, data: 'x' }, { table: next }),
    ).toMatchObject({ details: { code: 'PROCESS_NOT_RUNNING' } });

    expect((await processCall({ action: 'kill', processId: id }, { table: next })).text).toMatch(
      /killed by SIGTERM\.$/,
    );
    expect(isRunning(record.pid)).toBe(false);
  });

  it('explains unknown ids, bad requests and a worker without background support', async () => {
    expect(await processCall({ action: 'poll', processId: 'no-such' })).toMatchObject({
      details: { code: 'PROCESS_NOT_FOUND' },
    });
    expect(await processCall({ action: 'poll', processId: '../../etc' })).toMatchObject({
      details: { code: 'PROCESS_NOT_FOUND' },
    });
    const invalid = await processCall({ action: 'write', processId: 'x' });
    expect(invalid.text).toContain('- request.data:');
    expect(
      (await call(processTool, { request: { action: 'list' } }, { table: null })).details,
    ).toMatchObject({ code: 'UNAVAILABLE' });
    expect(
      (await call(bashTool, { command: 'true', background: true }, { table: null })).details,
    ).toMatchObject({ code: 'UNAVAILABLE' });
    expect((await processCall({ action: 'list' })).text).toBe('No background processes.');
  });
});
