import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryService } from '../../activities/memory/service.js';
import { configSchema, type ConfigInput } from '../../core/config/schema.js';
import {
  startFakeEmbeddingsServer,
  type FakeEmbeddingsServer,
} from '../fakes/embeddings-server.js';

let fake: FakeEmbeddingsServer;
let stateDir: string;
let workspaceDir: string;

const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  fake = await startFakeEmbeddingsServer();
  stateDir = await mkdtemp(join(tmpdir(), 'clawdbot-memory-ranking-'));
  workspaceDir = join(stateDir, 'workspace');
  await mkdir(join(workspaceDir, 'memory'), { recursive: true });
  await writeFile(
    join(workspaceDir, 'memory', '2020-01-06.md'),
    'Standup: the deploy pipeline for the billing service is flaky.',
  );
  await writeFile(
    join(workspaceDir, 'memory', `${today}.md`),
    'Standup: the deploy pipeline for the billing service is green again.',
  );
  await writeFile(
    join(workspaceDir, 'MEMORY.md'),
    [
      '## Coffee',
      'The user drinks espresso at breakfast.',
      '',
      '## Coffee again',
      'The user drinks espresso at breakfast, always.',
      '',
      '## Tea',
      'The user drinks green tea at breakfast when travelling.',
    ].join('\n'),
  );
});

afterAll(async () => {
  await fake.close();
  await rm(stateDir, { recursive: true, force: true });
});

async function search(query: string, search: NonNullable<ConfigInput['memory']>['search']) {
  const service = createMemoryService({
    config: configSchema.parse({
      memory: {
        embeddings: { provider: 'openai', baseUrl: fake.baseUrl, model: 'fake-embed-small' },
        search,
      },
    }),
    stateDir,
    workspaceDir,
  });
  try {
    await service.index();
    return await service.search(query, { maxResults: 2 });
  } finally {
    await service.close();
  }
}

describe('memory ranking', () => {
  it('recencyHalfLifeDays puts the recent dated note before an old one', async () => {
    const plain = await search('deploy pipeline billing', {});
    expect(plain.map((result) => result.path)).toContain('memory/2020-01-06.md');
    const recent = await search('deploy pipeline billing', { recencyHalfLifeDays: 30 });
    expect(recent[0]!.path).toBe(`memory/${today}.md`);
    expect(recent[0]!.score).toBeGreaterThan(recent[1]?.score ?? 0);
  });

  it('mmr trades a near-duplicate for a different result', async () => {
    const plain = await search('what does the user drink at breakfast', {});
    expect(plain.map((result) => result.headings)).toEqual(['Coffee', 'Coffee again']);
    const diverse = await search('what does the user drink at breakfast', { mmr: 0.7 });
    expect(diverse.map((result) => result.headings)).toContain('Tea');
  });
});
