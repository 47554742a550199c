import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NativeConnection } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../core/logger.js';
import type { TranscriptEntry } from '../core/sessions/index.js';
import { buildGatewayApp } from '../gateway/app.js';
import { createGatewayNodes, type GatewayNodes } from '../gateway/nodes/gateway-nodes.js';
import { startNodesWorker, type NodesWorker } from '../gateway/nodes/nodes-worker.js';
import { TestClient } from '../gateway/ws/test-harness.js';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { startAgentHarness, type AgentHarness } from './helpers/agent-harness.js';
import { makeStateDir, spawnClawdbot, type CliProcess } from './helpers/cli-process.js';

// A real gateway (WebSocket + the nodes worker on its task queue), a real worker running
// turns on the shared Temporal server, and `clawdbot node run` as a real child process.
let llm: FakeLlmServer;
let harness: AgentHarness;
let app: FastifyInstance;
let nodes: GatewayNodes;
let nodesWorker: NodesWorker;
let connection: NativeConnection;
let wsUrl: string;
let owner: TestClient;
let nodeProcess: CliProcess | undefined;
const nodeDir = makeStateDir();
const nodeId = 'test-node-1';

function startNode(): CliProcess {
  nodeProcess = spawnClawdbot([
    'node',
    'run',
    '--gateway',
    wsUrl,
    '--state-dir',
    nodeDir,
    '--node-id',
    nodeId,
    '--display-name',
    'Test box',
  ]);
  return nodeProcess;
}

async function waitForOutput(cli: CliProcess, text: string, after = 0): Promise<void> {
  await expect
    .poll(() => cli.output().slice(after).includes(text), { timeout: 90_000, interval: 50 })
    .toBe(true)
    .catch(() => {
      throw new Error(`no "${text}" in the node's output:\n${cli.output()}`);
    });
}

function toolResults(entries: TranscriptEntry[]): { text: string; isError: boolean }[] {
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

/** Run one turn in which the model calls the nodes tool with `request`; return the tool's result. */
async function nodesCall(sessionKey: string, trigger: string, request: unknown) {
  llm.scriptFor(trigger, [
    {
      kind: 'tool_calls',
      calls: [{ id: `call-${trigger}`, name: 'nodes', arguments: { request } }],
    },
    { kind: 'text', text: `done ${trigger}` },
  ]);
  const runId = await harness.send(sessionKey, trigger);
  expect(await harness.wait(runId, sessionKey, 60_000)).toMatchObject({ status: 'ok' });
  const results = toolResults(await harness.transcript(sessionKey));
  return results[results.length - 1]!;
}

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  harness = await startAgentHarness({
    temporalAddress: inject('temporalAddress'),
    llm,
    provider: 'openai',
    // Unapproved node commands are denied after 2 s in these tests.
    config: { approvals: { timeoutMs: 2000 } },
  });
  nodes = createGatewayNodes(harness.paths.stateDir);
  app = await buildGatewayApp({
    config: harness.config,
    health: () =>
      Promise.resolve({
        ok: true,
        ts: Date.now(),
        gateway: { status: 'ok' },
        worker: { status: 'ok' },
        temporal: { status: 'ok' },
      }),
    agent: harness.agent,
    bus: harness.bus,
    store: harness.store,
    paths: harness.paths,
    nodes,
    logger: createLogger('gateway', 'warn'),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  wsUrl = `ws://127.0.0.1:${address.port}/`;
  connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  nodesWorker = await startNodesWorker({
    connection,
    namespace: harness.config.temporal.namespace,
    taskQueue: harness.config.temporal.taskQueue,
    nodes,
    workspaceDir: harness.paths.workspaceDir,
    logger: createLogger('nodes', 'warn'),
  });
  owner = (await TestClient.connected(wsUrl)).client;
}, 60_000);

afterAll(async () => {
  nodeProcess?.child.kill('SIGTERM');
  await nodeProcess?.exited;
  owner?.close();
  await app?.close();
  await nodesWorker?.stop();
  await connection?.close();
  await harness?.close();
  await llm?.close();
});

describe('nodes', { timeout: 180_000 }, () => {
  it('a headless node connects, asks to pair, and is paired when the owner approves', async () => {
    const node = startNode();
    await waitForOutput(node, 'pairing requested');
    // Unpaired, it can do nothing but ask: it is not offered work.
    const listed = await owner.request('node.pair.list', {});
    const pending = (listed.payload as { pending: { requestId: string; nodeId: string }[] })
      .pending;
    expect(pending).toEqual([expect.objectContaining({ nodeId, displayName: 'Test box' })]);

    // The owner approves from the command line, through the running gateway.
    const approve = spawnClawdbot([
      'nodes',
      'approve',
      pending[0]!.requestId,
      '--state-dir',
      harness.paths.stateDir,
      '--port',
      new URL(wsUrl).port,
    ]);
    expect((await approve.exited).code).toBe(0);
    expect(approve.output()).toContain(`Approved node request ${pending[0]!.requestId}`);
    await waitForOutput(node, `as paired node ${nodeId}`);
    // The token is on the node; the gateway keeps only its hash.
    const token = (
      JSON.parse(readFileSync(join(nodeDir, 'node.json'), 'utf8')) as { token: string }
    ).token;
    expect(token).toMatch(/^[\w-]{40,}$/);
    expect(
      readFileSync(join(harness.paths.stateDir, 'nodes', 'pairing.json'), 'utf8'),
    ).not.toContain(token);

    const status = await owner.request('status', {});
    const offered = ['system.notify', 'system.run', 'system.which'];
    expect(status.payload).toMatchObject({
      nodes: [
        expect.objectContaining({
          nodeId,
          paired: true,
          connected: true,
        }),
      ],
    });
    const [entry] = (status.payload as { nodes: { commands: string[] }[] }).nodes;
    expect(entry!.commands).toEqual(expect.arrayContaining(offered));
  });

  it('the nodes tool runs an allowlisted command on the node and returns its output', async () => {
    writeFileSync(
      join(nodeDir, 'node-allowlist.json'),
      JSON.stringify({ commands: ['echo *', 'sleep *'] }),
    );
    const result = await nodesCall('agent:main:nodes-run', 'node-run-echo', {
      action: 'run',
      command: ['echo', 'hello from the node'],
    });
    expect(result.isError).toBe(false);
    expect(result.text).toContain('exited with code 0');
    expect(result.text).toContain('hello from the node');
  });

  it('a command outside the allowlist waits for the owner and is denied at the timeout, unrun', async () => {
    const marker = join(nodeDir, 'should-not-exist');
    const result = await nodesCall('agent:main:nodes-deny', 'node-run-touch', {
      action: 'run',
      command: ['touch', marker],
    });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('The owner did not approve running "touch');
    expect(result.text).toContain('no decision within 2 s');
    expect(existsSync(marker)).toBe(false);
  });

  it('a capability no node offers gets a clear error', async () => {
    const result = await nodesCall('agent:main:nodes-none', 'node-location', {
      action: 'location_get',
    });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('No connected node offers location.get');
  });

  it('a node that disconnects mid-command gives the model a clear error, and the command is not re-run', async () => {
    const sessionKey = 'agent:main:nodes-drop';
    llm.scriptFor('node-run-sleep', [
      {
        kind: 'tool_calls',
        calls: [
          {
            id: 'call-sleep',
            name: 'nodes',
            arguments: { request: { action: 'run', command: ['sleep', '30'] } },
          },
        ],
      },
      { kind: 'text', text: 'noted' },
    ]);
    const node = nodeProcess!;
    const before = node.output().length;
    const runId = await harness.send(sessionKey, 'node-run-sleep');
    await waitForOutput(node, 'system.run: sleep 30', before);
    node.child.kill('SIGKILL');
    await node.exited;
    expect(await harness.wait(runId, sessionKey, 60_000)).toMatchObject({ status: 'ok' });
    const results = toolResults(await harness.transcript(sessionKey));
    expect(results.at(-1)).toMatchObject({ isError: true });
    expect(results.at(-1)!.text).toContain(
      `Node ${nodeId} disconnected while system.run was running`,
    );
    expect(results.at(-1)!.text).toContain('not retried');

    // Back again, it reconnects with its token and is not handed the old command.
    const again = startNode();
    await waitForOutput(again, `as paired node ${nodeId}`);
    await sleep(300);
    expect(again.output()).not.toContain('system.run: sleep');
  });

  it('a revoked device token is refused', async () => {
    const token = (
      JSON.parse(readFileSync(join(nodeDir, 'node.json'), 'utf8')) as { token: string }
    ).token;
    const node = nodeProcess!;
    const before = node.output().length;
    expect(await owner.request('node.pair.revoke', { nodeId })).toMatchObject({ ok: true });
    // The live node is disconnected; its token no longer opens a connection.
    await waitForOutput(node, 'device token refused', before);

    const raw = await TestClient.open(wsUrl);
    await raw.next((frame) => frame.type === 'event' && frame.event === 'connect.challenge');
    const refused = await raw.request('connect', {
      minProtocol: 3,
      maxProtocol: 3,
      client: { id: nodeId, version: '1', platform: 'linux', mode: 'node' },
      role: 'node',
      auth: { deviceToken: token },
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'NOT_PAIRED', details: { code: 'PAIRING_REQUIRED' } },
    });
    expect((await raw.closed).code).toBe(1008);
    // The node asks to be paired again instead.
    await waitForOutput(node, 'pairing requested', before);
    const list = await owner.request('node.list', {});
    expect(list.payload).toMatchObject({
      nodes: [expect.objectContaining({ nodeId, paired: false, connected: false })],
    });
  });
});
