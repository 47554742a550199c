import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TranscriptEntry } from '../core/sessions/index.js';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { startAgentHarness, type AgentHarness } from './helpers/agent-harness.js';

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

const approvals = { tools: ['write_file'], bashPatterns: ['^rm\\s'], timeoutMs: 60_000 };

function toolResults(entries: TranscriptEntry[]) {
  return entries.flatMap((entry) =>
    entry.type === 'message' && entry.message.role === 'toolResult' ? [entry.message] : [],
  );
}

describe('durable approvals', () => {
  it('an approval survives a worker restart, and the approved tool runs exactly once', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'openai',
      worker: 'child',
      config: { approvals },
    });
    llm.scriptFor('needs-approval', [
      {
        kind: 'tool_calls',
        calls: [
          { id: 'call_w', name: 'write_file', arguments: { path: 'approved.txt', content: 'yes' } },
        ],
      },
      { kind: 'text', text: 'written after approval' },
    ]);
    const sessionKey = 'agent:main:approve';
    const runId = await harness.send(sessionKey, 'needs-approval write');
    const request = await harness.waitForEvent(
      (event) => event.runId === runId && event.part.type === 'approval-request',
    );
    const approval = request.part.type === 'approval-request' ? request.part.approval : undefined;
    expect(approval).toMatchObject({
      toolName: 'write_file',
      args: { path: 'approved.txt', content: 'yes' },
      sessionKey,
    });
    // The list comes from Temporal's visibility store, which lags the workflow by a moment.
    await expect
      .poll(() => harness!.agent.pendingApprovals(), { timeout: 10_000 })
      .toEqual([expect.objectContaining({ approvalId: approval!.approvalId })]);

    harness.workerProcess!.child.kill('SIGKILL');
    await harness.workerProcess!.exited;
    harness.startChildWorker();
    expect(existsSync(join(harness.paths.workspaceDir, 'approved.txt'))).toBe(false);

    expect(await harness.agent.resolveApproval(approval!.approvalId, 'approve')).toBe(true);
    expect(await harness.wait(runId, sessionKey)).toMatchObject({
      status: 'ok',
      text: 'written after approval',
    });
    expect(existsSync(join(harness.paths.workspaceDir, 'approved.txt'))).toBe(true);
    const results = toolResults(await harness.transcript(sessionKey));
    expect(results).toHaveLength(1);
    expect(results[0]!.isError).toBe(false);
    expect(await harness.agent.resolveApproval(approval!.approvalId, 'approve')).toBe(false);
  });

  it('a denied call never runs and the model is told', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'anthropic',
      config: { approvals },
    });
    mkdirSync(harness.paths.workspaceDir, { recursive: true });
    writeFileSync(join(harness.paths.workspaceDir, 'keep.txt'), 'precious');
    llm.scriptFor('dangerous', [
      {
        kind: 'tool_calls',
        calls: [{ id: 'call_rm', name: 'bash', arguments: { command: 'rm keep.txt' } }],
      },
      { kind: 'text', text: 'understood, not deleted' },
    ]);
    const sessionKey = 'agent:main:deny';
    const runId = await harness.send(sessionKey, 'dangerous delete');
    const request = await harness.waitForEvent(
      (event) => event.runId === runId && event.part.type === 'approval-request',
    );
    const approvalId =
      request.part.type === 'approval-request' ? request.part.approval.approvalId : '';
    expect(await harness.agent.resolveApproval(approvalId, 'deny', 'not today')).toBe(true);
    expect(await harness.wait(runId, sessionKey)).toMatchObject({
      status: 'ok',
      text: 'understood, not deleted',
    });
    expect(existsSync(join(harness.paths.workspaceDir, 'keep.txt'))).toBe(true);
    const [result] = toolResults(await harness.transcript(sessionKey));
    expect(result).toMatchObject({ isError: true, toolName: 'bash' });
    expect(result!.content[0]!.text).toContain('did not approve this bash call (not today)');
  });

  it('an unanswered approval is denied when it times out; other bash commands need none', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'openai',
      config: { approvals: { ...approvals, timeoutMs: 1500 } },
    });
    llm.scriptFor('ignored', [
      {
        kind: 'tool_calls',
        calls: [{ id: 'call_ls', name: 'bash', arguments: { command: 'echo harmless' } }],
      },
      {
        kind: 'tool_calls',
        calls: [{ id: 'call_rm2', name: 'bash', arguments: { command: 'rm -f nothing' } }],
      },
      { kind: 'text', text: 'gave up' },
    ]);
    const sessionKey = 'agent:main:timeout';
    const runId = await harness.send(sessionKey, 'ignored approval');
    expect(await harness.wait(runId, sessionKey)).toMatchObject({ status: 'ok', text: 'gave up' });
    const [harmless, denied] = toolResults(await harness.transcript(sessionKey));
    expect(harmless).toMatchObject({ isError: false });
    expect(denied!.content[0]!.text).toContain('no decision within 2 s');
    expect(harness.eventsOf(runId).filter((part) => part.type === 'approval-request')).toHaveLength(
      1,
    );
  });
});
