import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../core/config/schema.js';
import { createMemoryService, type MemoryService } from '../../activities/memory/service.js';
import { openMemoryStore } from '../../activities/memory/store.js';
import { createMemoryActivities } from '../../activities/memory-activities.js';
import {
  startFakeEmbeddingsServer,
  type FakeEmbeddingsServer,
} from '../fakes/embeddings-server.js';

const facts = [
  '# Memory',
  '',
  '## Family',
  'My sister Marguerite adores sunflowers and grows them every summer.',
  '',
  '## Work',
  'We decided to ship the Zyxquartz release on a Thursday.',
  '',
  '## Travel',
  'The passport renewal is due in March; the office is on Rue Lepic.',
].join('\n');

function configFor(fake: FakeEmbeddingsServer, model: string): Config {
  return configSchema.parse({
    memory: {
      embeddings: { provider: 'openai', baseUrl: fake.baseUrl, apiKey: 'sk-test', model },
    },
  });
}

describe('memory with the openai provider (fake /v1/embeddings, real LanceDB)', () => {
  let fake: FakeEmbeddingsServer;
  let stateDir: string;
  let workspaceDir: string;
  let service: MemoryService;

  beforeAll(async () => {
    fake = await startFakeEmbeddingsServer({ apiKey: 'sk-test' });
    stateDir = await mkdtemp(join(tmpdir(), 'clawdbot-memory-'));
    workspaceDir = join(stateDir, 'workspace');
    await mkdir(join(workspaceDir, 'memory'), { recursive: true });
    await writeFile(join(workspaceDir, 'MEMORY.md'), facts);
    service = createMemoryService({
      config: configFor(fake, 'fake-embed-small'),
      stateDir,
      workspaceDir,
    });
  });

  afterAll(async () => {
    await service.close();
    await fake.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('finds a fact by a paraphrase (vector) and by an exact rare word (full text)', async () => {
    const report = await service.index();
    expect(report.changedFiles).toBe(1);
    expect(report.switched).toBe(true);

    const [paraphrase] = await service.search('Which blossoms does my sibling love?');
    expect(paraphrase).toMatchObject({ path: 'MEMORY.md', startLine: 1, endLine: 4 });
    expect(paraphrase!.snippet).toContain('Marguerite');
    expect(paraphrase!.foundBy).toContain('vector');
    expect(paraphrase!.headings).toBe('Memory > Family');

    const [rare] = await service.search('zyxquartz');
    expect(rare).toMatchObject({ path: 'MEMORY.md', startLine: 6, endLine: 7 });
    expect(rare!.foundBy).toContain('text');
  });

  it("auto-recall gives the owner's turn its memories and a stranger's turn none", async () => {
    const config = configSchema.parse({
      ...configFor(fake, 'fake-embed-small'),
      security: { owners: ['telegram:111'] },
    });
    const { 'memory.recall': recall } = createMemoryActivities({
      memory: service,
      config: () => config,
    });
    const query = 'Which blossoms does my sibling love?';
    const subject = (senderId: string) => ({
      channel: 'telegram',
      accountId: 'default',
      chatType: 'direct' as const,
      chatId: senderId,
      senderId,
    });
    // A gateway client (no channel sender) and the owner's DM: recalled.
    expect(await recall({ query, maxResults: 3 })).toContain('Marguerite');
    expect(await recall({ query, maxResults: 3, subjects: [subject('111')] })).toContain(
      'Marguerite',
    );
    // Someone else's DM, or a group: the owner's memories stay out of the turn.
    expect(await recall({ query, maxResults: 3, subjects: [subject('222')] })).toBe('');
    expect(
      await recall({
        query,
        maxResults: 3,
        subjects: [{ ...subject('111'), chatType: 'group', chatId: 'g1' }],
      }),
    ).toBe('');
  });

  it('re-embeds only the chunks an edit changed, and drops a deleted file', async () => {
    const note = join(workspaceDir, 'memory', '2026-12-01.md');
    const sections = ['alpha', 'bravo', 'charlie', 'delta'].map(
      (word) => `## ${word}\nThe ${word} project note says ${word} matters.`,
    );
    await writeFile(note, sections.join('\n\n'));
    const before = fake.embeddedTexts().length;
    await service.index();
    expect(fake.embeddedTexts().length - before).toBe(4);

    sections[2] = '## charlie\nThe charlie project moved to Lisbon.';
    await writeFile(note, sections.join('\n\n'));
    const beforeEdit = fake.embeddedTexts().length;
    const report = await service.index();
    expect(report.changedFiles).toBe(1);
    const embedded = fake.embeddedTexts().slice(beforeEdit);
    expect(embedded).toEqual(['## charlie\nThe charlie project moved to Lisbon.']);
    const [lisbon] = await service.search('Lisbon');
    expect(lisbon).toMatchObject({ path: 'memory/2026-12-01.md', startLine: 7, endLine: 8 });

    // Nothing changed: nothing embedded, nothing written.
    const idle = await service.index();
    expect(idle.changedFiles).toBe(0);

    await unlink(note);
    const afterDelete = await service.index();
    expect(afterDelete.removedFiles).toBe(1);
    const results = await service.search('Lisbon charlie alpha');
    expect(results.every((result) => result.path === 'MEMORY.md')).toBe(true);
    expect((await service.status()).indexedFiles).toBe(1);
  });

  it('memory_get reads memory files and refuses anything else', async () => {
    const lines = await service.get('MEMORY.md', 3, 2);
    expect(lines.text).toBe(
      '## Family\nMy sister Marguerite adores sunflowers and grows them every summer.',
    );
    await writeFile(join(workspaceDir, 'notes.md'), 'not memory');
    await writeFile(join(stateDir, 'secret.md'), 'outside the workspace');
    await symlink(join(stateDir, 'secret.md'), join(workspaceDir, 'memory', 'link.md'));
    for (const path of [
      'notes.md',
      '../secret.md',
      'memory/link.md',
      join(stateDir, 'secret.md'),
    ]) {
      await expect(service.get(path)).rejects.toMatchObject({ code: 'PATH_OUTSIDE_MEMORY' });
    }
    await unlink(join(workspaceDir, 'memory', 'link.md'));
  });

  it('a model change re-indexes into a new table and switches only when done', async () => {
    const next = createMemoryService({
      config: configFor(fake, 'fake-embed-large'),
      stateDir,
      workspaceDir,
    });
    try {
      // Until the new model's table is complete, queries still use the old model.
      const requestsBefore = fake.requests.length;
      const [old] = await next.search('zyxquartz');
      expect(old!.path).toBe('MEMORY.md');
      expect(fake.requests.slice(requestsBefore).map((request) => request.model)).toEqual([
        'fake-embed-small',
      ]);

      const report = await next.index();
      expect(report.switched).toBe(true);
      expect(report.table).toContain('fake_embed_large_96');
      const status = await next.status();
      expect(status).toMatchObject({ indexedWith: 'openai:fake-embed-large', dims: 96, chunks: 3 });

      const store = await openMemoryStore(join(stateDir, 'memory'));
      try {
        expect(await store.tableExists('chunks_openai_fake_embed_small_64')).toBe(false);
      } finally {
        store.close();
      }
      const requestsAfter = fake.requests.length;
      const [found] = await next.search('Which blossoms does my sibling love?');
      expect(found!.snippet).toContain('Marguerite');
      expect(fake.requests.slice(requestsAfter).map((request) => request.model)).toEqual([
        'fake-embed-large',
      ]);
    } finally {
      await next.close();
    }
  });
});
