// bash in the bubblewrap sandbox, inside real agent turns on Temporal: what a sandboxed
// command can and cannot reach, the limits that kill it, and no shell at all when the
// backend is missing.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TranscriptEntry } from '../../core/sessions/index.js';
import {
  startFakeLlmServer,
  type FakeLlmServer,
  type RecordedRequest,
} from '../fakes/llm-server.js';
import { startAgentHarness, type AgentHarness } from '../helpers/agent-harness.js';

let llm: FakeLlmServer;
let harness: AgentHarness | undefined;

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
});
afterAll(async () => {
  await llm.close();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function toolResults(entries: TranscriptEntry[]) {
  return entries.flatMap((entry) =>
    entry.type === 'message' && entry.message.role === 'toolResult'
      ? [entry.message.content.map((block) => block.text).join('')]
      : [],
  );
}

function offeredTools(request: RecordedRequest): string[] {
  const body = request.body as { tools?: { name: string }[] };
  return (body.tools ?? []).map((tool) => tool.name);
}

const bash = (id: string, command: string) => ({ id, name: 'bash', arguments: { command } });

describe('sandboxed bash', () => {
  it('writes its workspace but cannot read the home or state dir, nor reach the network', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'anthropic',
      config: { sandbox: { mode: 'all' } },
    });
    // A server on the host's loopback: the sandbox has a network namespace of its own.
    let connections = 0;
    const server: Server = createServer((socket) => {
      connections++;
      socket.end('hello from the host\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const config = harness.paths.configFile;
    llm.scriptFor('probe the sandbox', [
      {
        kind: 'tool_calls',
        calls: [
          bash('call_w', 'echo written > inside.txt && cat inside.txt'),
          bash('call_s', `cat ${config} && echo STATE-READABLE`),
          bash('call_h', `ls ${homedir()} && echo HOME-READABLE`),
          bash('call_n', `cat < /dev/tcp/127.0.0.1/${port} && echo NET-REACHABLE`),
        ],
      },
      { kind: 'text', text: 'Probed.' },
    ]);
    const sessionKey = 'agent:main:sandbox-probe';
    const runId = await harness.send(sessionKey, 'please probe the sandbox');
    expect(await harness.wait(runId, sessionKey)).toMatchObject({ status: 'ok' });
    server.close();

    const [written, state, home, net] = toolResults(await harness.transcript(sessionKey));
    expect(written).toBe('written\n\n[Exit code 0]');
    expect(readFileSync(join(harness.paths.workspaceDir, 'inside.txt'), 'utf8')).toBe('written\n');
    expect(state).toContain('No such file or directory');
    expect(state).not.toContain('STATE-READABLE');
    expect(home).toContain('No such file or directory');
    expect(home).not.toContain('HOME-READABLE');
    expect(net).not.toContain('NET-REACHABLE');
    expect(net).not.toContain('hello from the host');
    expect(connections).toBe(0);
  });

  it('is killed at its CPU and memory limits, and its output is capped', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'anthropic',
      config: { sandbox: { mode: 'all', limits: { cpuSeconds: 1, memoryMb: 256, outputKb: 4 } } },
    });
    llm.scriptFor('hit the limits', [
      {
        kind: 'tool_calls',
        calls: [
          bash('call_cpu', 'while :; do :; done'),
          // dd allocates its whole block at once: over the limit, it fails at the start.
          bash('call_mem', 'dd if=/dev/zero of=/dev/null bs=400M count=1 && echo allocated'),
          bash('call_out', 'yes | head -c 100000'),
        ],
      },
      { kind: 'text', text: 'Limited.' },
    ]);
    const sessionKey = 'agent:main:sandbox-limits';
    const runId = await harness.send(sessionKey, 'please hit the limits');
    expect(await harness.wait(runId, sessionKey)).toMatchObject({ status: 'ok' });
    const [cpu, memory, output] = toolResults(await harness.transcript(sessionKey));
    // RLIMIT_CPU: SIGXCPU at the soft limit, SIGKILL at the hard one (bwrap reports 128+n).
    expect(cpu).toMatch(/\[Exit code (137|152)\]$/);
    expect(memory).toContain('memory exhausted');
    expect(memory).not.toContain('allocated');
    expect(output).toContain('bytes of output omitted');
    expect(output!.length).toBeLessThan(6000);
  });

  it('without its backend there is no shell at all, and the model is told why', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'anthropic',
      config: { sandbox: { mode: 'all', bubblewrapPath: '/nonexistent/bin/bwrap' } },
    });
    llm.scriptFor('run without sandbox', [
      { kind: 'tool_calls', calls: [bash('call_x', 'echo escaped > escaped.txt')] },
      { kind: 'text', text: 'No shell.' },
    ]);
    const sessionKey = 'agent:main:sandbox-missing';
    const runId = await harness.send(sessionKey, 'please run without sandbox');
    expect(await harness.wait(runId, sessionKey)).toMatchObject({ status: 'ok' });
    const request = llm.requests.find((candidate) =>
      candidate.userText.includes('run without sandbox'),
    )!;
    expect(offeredTools(request)).not.toContain('bash');
    expect(offeredTools(request)).not.toContain('process');
    expect(offeredTools(request)).toContain('read_file');
    expect(JSON.stringify(request.body)).toContain('No shell in this session');
    const [refused] = toolResults(await harness.transcript(sessionKey));
    expect(refused).toContain('Tool "bash" is not allowed in this session');
    expect(refused).toContain('No shell in this session: the sandbox backend (bubblewrap');
    expect(refused).toContain('clawdbot doctor');
  });
});
