// Memory inside the real system: the indexer as its Temporal workflow and activity, and an
// agent turn (scripted model) that calls memory_search and answers from its result.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  startFakeEmbeddingsServer,
  type FakeEmbeddingsServer,
} from '../fakes/embeddings-server.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { TestClient } from '../../gateway/ws/test-harness.js';
import {
  startGatewayHarness,
  type AgentHarness,
  type GatewayHarness,
} from '../helpers/agent-harness.js';

let llm: FakeLlmServer;
let embeddings: FakeEmbeddingsServer;
let gateway: GatewayHarness;
let harness: AgentHarness;

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  embeddings = await startFakeEmbeddingsServer({ apiKey: 'sk-embed' });
  gateway = await startGatewayHarness({
    temporalAddress: inject('temporalAddress'),
    llm,
    provider: 'openai',
    config: {
      memory: {
        autoRecall: true,
        embeddings: {
          provider: 'openai',
          baseUrl: embeddings.baseUrl,
          apiKey: 'sk-embed',
          model: 'fake-embed-small',
        },
      },
    },
  });
  harness = gateway.harness;
});

afterAll(async () => {
  await gateway?.close();
  await llm?.close();
  await embeddings?.close();
});

describe('memory in agent turns', () => {
  it('indexes through the memoryIndex workflow; a turn recalls a fact and finds it with memory_search', async () => {
    await mkdir(harness.paths.workspaceDir, { recursive: true });
    await writeFile(
      join(harness.paths.workspaceDir, 'MEMORY.md'),
      '## Family\nMy sister Marguerite adores sunflowers.\n\n## Work\nThe Zyxquartz launch is on Thursday.\n',
    );
    await harness.client.workflow.execute('memoryIndex', {
      workflowId: `memory-index:${harness.config.temporal.taskQueue}`,
      taskQueue: harness.config.temporal.taskQueue,
      args: [{ taskQueue: harness.config.temporal.taskQueue }],
    });
    // Two chunks (after one probe that learns the model's vector size).
    expect(embeddings.embeddedTexts().filter((text) => text !== 'dimension probe')).toHaveLength(2);

    llm.scriptFor('what flowers', [
      {
        kind: 'tool_calls',
        calls: [
          {
            id: 'call_memory',
            name: 'memory_search',
            arguments: { query: 'which blossoms does my sibling love' },
          },
        ],
      },
      { kind: 'text', text: 'She loves sunflowers.' },
    ]);
    const sessionKey = 'agent:main:memory-turn';
    const runId = await harness.send(sessionKey, 'what flowers does my sister like?');
    expect(await harness.wait(runId, sessionKey)).toMatchObject({
      status: 'ok',
      text: 'She loves sunflowers.',
    });
    const results = (await harness.transcript(sessionKey)).flatMap((entry) =>
      entry.type === 'message' && entry.message.role === 'toolResult'
        ? [entry.message.content.map((block) => block.text).join('')]
        : [],
    );
    expect(results).toHaveLength(1);
    const parsed = JSON.parse(results[0]!) as { results: Record<string, unknown>[] };
    expect(parsed.results[0]).toMatchObject({ path: 'MEMORY.md', startLine: 1, endLine: 2 });
    expect(results[0]).toContain('Marguerite');

    // The model was told to use memory, and saw the tool.
    const first = llm.requests.find((request) => request.userText.includes('what flowers'))!;
    const body = JSON.stringify(first.body);
    expect(body).toContain('memory_search');
    expect(body).toContain('MEMORY.md');
    // memory.autoRecall put the top memory into the first call's context.
    expect(body).toContain('Recalled memories');
    expect(body).toContain('MEMORY.md#L1-L2: ## Family My sister Marguerite adores sunflowers.');

    // The gateway methods: status of the index, and a search run on the memory's host.
    const { client } = await TestClient.connected(gateway.url.replace(/^http/, 'ws'));
    try {
      const status = await client.request('memory.status', {});
      expect(status).toMatchObject({
        ok: true,
        payload: { indexedWith: 'openai:fake-embed-small', files: 1, chunks: 2 },
      });
      const search = await client.request('memory.search', { query: 'Zyxquartz' });
      expect(search.ok).toBe(true);
      const payload = search.payload as { results: { path: string; foundBy: string[] }[] };
      expect(payload.results[0]).toMatchObject({ path: 'MEMORY.md' });
      expect(payload.results[0]!.foundBy).toContain('text');
    } finally {
      client.close();
    }
  });
});
