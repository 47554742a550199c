// An indexer killed mid-way (SIGKILL, no chance to clean up) leaves a table the next run
// completes: no chunk twice, and what was committed before the kill is not embedded again.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiEmbeddings } from '../../activities/memory/embeddings/openai.js';
import { indexMemory } from '../../activities/memory/indexer.js';
import { openMemoryStore } from '../../activities/memory/store.js';
import { configSchema } from '../../core/config/schema.js';
import { packageRoot } from '../../core/paths.js';
import {
  startFakeEmbeddingsServer,
  type FakeEmbeddingsServer,
} from '../fakes/embeddings-server.js';

let fake: FakeEmbeddingsServer;
let stateDir: string;

beforeAll(async () => {
  fake = await startFakeEmbeddingsServer({ apiKey: 'sk-test', delayMs: 150 });
  stateDir = await mkdtemp(join(tmpdir(), 'clawdbot-memory-resume-'));
});

afterAll(async () => {
  await fake.close();
  await rm(stateDir, { recursive: true, force: true });
});

describe('an indexer killed mid-way', () => {
  it('resumes without duplicates and without embedding committed chunks again', async () => {
    const workspaceDir = join(stateDir, 'workspace');
    const storeDir = join(stateDir, 'memory');
    await mkdir(join(workspaceDir, 'memory'), { recursive: true });
    // 12 files of 4 sections: 48 chunks, committed 8 rows (two files) at a time.
    for (let day = 1; day <= 12; day++) {
      const sections = [1, 2, 3, 4].map(
        (n) => `## Topic ${n}\nDay ${day} note ${n}: item${day}x${n} was discussed.`,
      );
      await writeFile(
        join(workspaceDir, 'memory', `2026-11-${String(day).padStart(2, '0')}.md`),
        sections.join('\n\n'),
      );
    }
    const child = spawn(
      process.execPath,
      [join(packageRoot, 'bin/run-ts.js'), join(packageRoot, 'test/memory/index-child.ts')],
      {
        env: {
          ...process.env,
          CLAWDBOT_TEST_MEMORY: JSON.stringify({ storeDir, workspaceDir, baseUrl: fake.baseUrl }),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Kill it once at least one commit (two files) is on disk and more is being embedded.
    const store = await openMemoryStore(storeDir);
    const table = 'chunks_openai_fake_embed_small_64';
    for (;;) {
      const texts = fake.embeddedTexts().filter((text) => text !== 'dimension probe');
      if (texts.length >= 12) break;
      await sleep(20);
    }
    child.kill('SIGKILL');
    await exited;
    const committed = await store.countRows(table);
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(48);
    const embeddedBefore = fake.embeddedTexts().length;

    const config = configSchema.parse({});
    const report = await indexMemory({
      store,
      provider: createOpenAiEmbeddings({
        baseUrl: fake.baseUrl,
        apiKey: 'sk-test',
        model: 'fake-embed-small',
      }),
      memory: config.memory,
      workspaceDir,
    });
    const rows = await store.listChunks(table);
    store.close();
    expect(report.totalChunks).toBe(48);
    expect(rows).toHaveLength(48);
    expect(new Set(rows.map((row) => row.id)).size).toBe(48);
    // Only what was not committed before the kill was embedded again (plus one probe).
    const embeddedAfter = fake
      .embeddedTexts()
      .slice(embeddedBefore)
      .filter((text) => text !== 'dimension probe');
    expect(embeddedAfter).toHaveLength(48 - committed);
    expect(report.changedFiles).toBe(12 - committed / 4);
  });
});
