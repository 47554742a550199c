// apply_patch and background processes inside real agent turns on Temporal, driven by the
// scripted model: the patch lands on disk, and a background process started by a worker that
// is then SIGKILLed is reported as lost (not hung on) by the next worker.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ProcessRecord } from '../activities/tools/process-store.js';
import type { TranscriptEntry } from '../core/sessions/index.js';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { startAgentHarness, type AgentHarness } from './helpers/agent-harness.js';
import { isAlive } from './helpers/cli-process.js';

let llm: FakeLlmServer;
let harness: AgentHarness | undefined;
const leftovers: number[] = [];

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
});
afterAll(async () => {
  await llm.close();
});
afterEach(async () => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL'); // a background process a failed test left behind
    } catch {
      // already gone
    }
  }
  await harness?.close();
  harness = undefined;
});

function toolResults(entries: TranscriptEntry[]) {
  return entries.flatMap((entry) =>
    entry.type === 'message' && entry.message.role === 'toolResult'
      ? [
          {
            text: entry.message.content.map((block) => block.text).join(''),
            isError: entry.message.isError,
          },
        ]
      : [],
  );
}

describe('apply_patch in an agent turn', () => {
  it('changes, adds and deletes files in the workspace, and says what it did', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'anthropic',
    });
    const workspace = harness.paths.workspaceDir;
    await mkdir(join(workspace, 'src'), { recursive: true });
    writeFileSync(join(workspace, 'src/app.js'), 'export function greet() {\n  return "hi";\n}\n');
    writeFileSync(join(workspace, 'obsolete.txt'), 'old\n');
    const patch = [
      '*** Begin Patch',
      '*** Update File: src/app.js',
      '@@ export function greet() {',
      '-  return "hi";',
      '+  return "hello";',
      '*** Add File: README.md',
      '+# Greeter',
      '*** Delete File: obsolete.txt',
      '*** End Patch',
    ].join('\n');
    llm.scriptFor('patch the greeter', [
      {
        kind: 'tool_calls',
        calls: [{ id: 'call_patch', name: 'apply_patch', arguments: { patch } }],
      },
      { kind: 'text', text: 'Patched.' },
    ]);
    const sessionKey = 'agent:main:apply-patch';
    const runId = await harness.send(sessionKey, 'please patch the greeter');
    expect(await harness.wait(runId, sessionKey)).toMatchObject({ status: 'ok', text: 'Patched.' });

    expect(readFileSync(join(workspace, 'src/app.js'), 'utf8')).toBe(
      'export function greet() {\n  return "hello";\n}\n',
    );
    expect(readFileSync(join(workspace, 'README.md'), 'utf8')).toBe('# Greeter\n');
    expect(existsSync(join(workspace, 'obsolete.txt'))).toBe(false);
    expect(toolResults(await harness.transcript(sessionKey))).toEqual([
      {
        text: 'Applied the patch (3 files):\nM src/app.js\nA README.md\nD obsolete.txt',
        isError: false,
      },
    ]);
  });
});

describe('a background process whose worker was killed', () => {
  it('is reported lost by the next worker, with its output, and can still be stopped', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'openai',
      worker: 'child',
    });
    const sessionKey = 'agent:main:lost-process';
    const bash = (id: string, command: string) => ({
      id,
      name: 'bash',
      arguments: { command, background: true },
    });
    llm.scriptFor('start the server', [
      // The second one ends after its worker is gone: its exit code is recorded all the same.
      {
        kind: 'tool_calls',
        calls: [bash('call_bg', 'echo serving; sleep 300'), bash('call_bg2', 'sleep 8; exit 3')],
      },
      { kind: 'text', text: 'Started.' },
    ]);
    const first = await harness.send(sessionKey, 'please start the server');
    expect(await harness.wait(first, sessionKey, 120_000)).toMatchObject({ status: 'ok' });

    const processesDir = join(harness.paths.stateDir, 'processes');
    const records = readdirSync(processesDir).map(
      (dir) =>
        JSON.parse(readFileSync(join(processesDir, dir, 'process.json'), 'utf8')) as ProcessRecord,
    );
    leftovers.push(...records.map((each) => each.pid));
    const server = records.find((each) => each.command.includes('serving'))!;
    const shortLived = records.find((each) => each.command.includes('exit 3'))!;
    expect(server.ownerWorker).toBe(`${server.owner.host}:${harness.workerProcess!.child.pid}`);
    while (!readFileSync(join(processesDir, server.id, 'output.log'), 'utf8').includes('serving')) {
      await sleep(50);
    }

    const worker = harness.workerProcess!;
    worker.child.kill('SIGKILL');
    await worker.exited;
    expect(isAlive(server.pid)).toBe(true); // the process outlives its worker
    harness.startChildWorker();

    const processCall = (id: string, request: Record<string, unknown>) => ({
      kind: 'tool_calls' as const,
      calls: [{ id, name: 'process', arguments: { request } }],
    });
    llm.scriptFor('check the server', [
      processCall('call_poll', { action: 'poll', processId: server.id }),
      processCall('call_kill', { action: 'kill', processId: server.id }),
      processCall('call_poll2', { action: 'poll', processId: shortLived.id, waitSeconds: 30 }),
      { kind: 'text', text: 'It was lost; I stopped it.' },
    ]);
    const second = await harness.send(sessionKey, 'please check the server');
    expect(await harness.wait(second, sessionKey, 120_000)).toMatchObject({
      status: 'ok',
      text: 'It was lost; I stopped it.',
    });

    const [, , poll, kill, pollShortLived] = toolResults(await harness.transcript(sessionKey));
    expect(poll!.isError).toBe(true);
    expect(poll!.text).toContain(
      `[Process ${server.id}: lost: the worker that started it (${server.ownerWorker}) is gone`,
    );
    expect(poll!.text).toContain(`it still runs as pid ${server.pid}`);
    expect(poll!.text).toMatch(/its output up to then is below\.\]\n\nserving$/);
    expect(kill).toEqual({
      text: `Stopped process ${server.id} (pid ${server.pid}): killed by SIGTERM.`,
      isError: false,
    });
    expect(isAlive(server.pid)).toBe(false);
    expect(pollShortLived).toEqual({
      text: `[Process ${shortLived.id}: exited with code 3.]\n\n(no new output)`,
      isError: false,
    });
  }, 240_000);
});
