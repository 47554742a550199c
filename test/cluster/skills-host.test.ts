/**
 * Skills in a cluster come from the host that owns the session, not from the worker that
 * happens to run the LLM step. Two hosts share a PostgreSQL sessions store: host-b's worker
 * polls the shared queue (workflows, LLM calls), host-a's worker only its own host queue.
 * A session owned by host-a gets host-a's skills in its prompt (and its slash command), and
 * read_file reads the skill on host-a.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { startWorker, type RunningWorker } from '../../cli/runtime/worker.js';
import { createTemporalAgentService } from '../../core/agent/temporal-agent-service.js';
import type { AgentService } from '../../core/agent/agent-service.js';
import { hostTaskQueue } from '../../core/cluster/placement.js';
import { loadConfig } from '../../core/config/load.js';
import { createLocalBus } from '../../core/events/local-bus.js';
import { createLogger } from '../../core/logger.js';
import { statePaths, type StatePaths } from '../../core/paths.js';
import { PostgresSessionStore, type TranscriptEntry } from '../../core/sessions/index.js';
import {
  startFakeLlmServer,
  type FakeLlmServer,
  type RecordedRequest,
} from '../fakes/llm-server.js';
import { makeStateDir } from '../helpers/cli-process.js';
import { startPostgres, type RunningPostgres } from '../helpers/postgres.js';

let postgres: RunningPostgres;
let llm: FakeLlmServer;
let connection: NativeConnection;
let hostAWorker: Worker;
let hostARun: Promise<void>;
let hostB: RunningWorker;
let agent: AgentService;
let store: PostgresSessionStore;
let pathsA: StatePaths;
const stores: PostgresSessionStore[] = [];

function writeSkill(paths: StatePaths, name: string, body: string) {
  const folder = join(paths.workspaceDir, 'skills', name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'SKILL.md'),
    ['---', `name: ${name}`, `description: The ${name} skill.`, '---', body].join('\n'),
  );
}

function systemOf(request: RecordedRequest): string {
  const system = (request.body as { system?: unknown }).system;
  if (typeof system === 'string') return system;
  if (Array.isArray(system))
    return system.map((block) => (block as { text?: string }).text ?? '').join('\n');
  return '';
}

beforeAll(async () => {
  postgres = await startPostgres();
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  const address = inject('temporalAddress');
  const taskQueue = `skills-cluster-${process.pid}-${Date.now()}`;
  const host = (hostId: string) => {
    const stateDir = makeStateDir({
      temporal: { address, taskQueue },
      agent: { model: 'anthropic/fake-model' },
      providers: { anthropic: { apiKey: 'test-key', baseUrl: llm.anthropicBaseUrl } },
      store: { postgresUrl: postgres.url('clawdbot') },
      worker: { hostId },
    });
    const paths = statePaths(stateDir);
    const store = new PostgresSessionStore(postgres.url('clawdbot'));
    stores.push(store);
    return { paths, config: loadConfig(paths.configFile, {}).config, store };
  };
  const a = host('host-a');
  const b = host('host-b');
  pathsA = a.paths;
  store = b.store;
  writeSkill(a.paths, 'only-on-a', '# A\n\nUse {baseDir}/run-a.sh.\n');
  writeSkill(b.paths, 'only-on-b', '# B\n');
  connection = await NativeConnection.connect({ address });
  const logger = createLogger('test', 'warn');
  const bus = createLocalBus();
  // host-a: only its own host queue (file tools, skills), no workflows, no LLM calls.
  hostAWorker = await Worker.create({
    connection,
    taskQueue: hostTaskQueue(taskQueue, 'host-a'),
    activities: createActivities({ ...a, logger, bus }),
  });
  hostARun = hostAWorker.run();
  const client = new Client({ connection });
  hostB = await startWorker({
    connection,
    namespace: 'default',
    taskQueue,
    activities: createActivities({ ...b, logger, bus, client }),
    logger,
  });
  agent = createTemporalAgentService({ client, config: () => b.config, store: b.store });
}, 120_000);

afterAll(async () => {
  await hostB?.stop();
  hostAWorker?.shutdown();
  await hostARun;
  for (const each of stores) await each.close();
  await connection?.close();
  await llm?.close();
  await postgres?.stop();
});

async function turn(sessionKey: string, text: string) {
  const { runId } = await agent.send(sessionKey, {
    messageId: `m-${text}`,
    text,
    channel: 'test',
    receivedAt: Date.now(),
  });
  const outcome = await agent.wait(runId, 60_000, sessionKey);
  expect(outcome.status).toBe('ok');
}

describe('skills in a cluster', () => {
  it("a session owned by host-a gets host-a's skills, wherever its LLM step runs", async () => {
    const sessionKey = 'agent:main:skills-cluster';
    await store.ensure(sessionKey, { channel: 'test', host: 'host-a' });
    const skillFile = join(pathsA.workspaceDir, 'skills', 'only-on-a', 'SKILL.md');
    llm.scriptFor('/only-on-a deploy', [
      {
        kind: 'tool_calls',
        calls: [{ id: 'read_a', name: 'read_file', arguments: { path: skillFile } }],
      },
      { kind: 'text', text: 'Done.' },
    ]);
    await turn(sessionKey, '/only-on-a deploy');
    const requests = llm.requests.filter((request) => request.userText.includes('/only-on-a'));
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const request of requests) {
      const system = systemOf(request);
      expect(system).toContain('<name>only-on-a</name>');
      expect(system).not.toContain('<name>only-on-b</name>');
      expect(system).toContain('## Skill invoked: only-on-a');
      expect(system).toContain(`Use ${join(pathsA.workspaceDir, 'skills', 'only-on-a')}/run-a.sh.`);
    }
    const entry = await store.get(sessionKey);
    const entries: TranscriptEntry[] = [];
    for await (const line of store.entries(entry!.sessionId)) entries.push(line);
    const result = entries.find(
      (line) => line.type === 'message' && line.message.role === 'toolResult',
    );
    expect(result?.type === 'message' && result.message.role === 'toolResult').toBe(true);
    if (result?.type === 'message' && result.message.role === 'toolResult') {
      expect(result.message.isError).toBe(false);
      expect(result.message.content[0]?.text).toContain('# A');
    }
  });
});
