import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../core/config/schema.js';
import { createMemoryService, type MemoryService } from '../../activities/memory/service.js';
import { tinyModelDims, writeTinyModel } from './tiny-model.js';

describe('memory with the local provider (@huggingface/transformers, a tiny real ONNX model)', () => {
  let stateDir: string;
  let service: MemoryService;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'clawdbot-memory-local-'));
    const modelPath = join(stateDir, 'models-offline', 'tiny-minilm');
    await writeTinyModel(modelPath);
    const workspaceDir = join(stateDir, 'workspace');
    await mkdir(join(workspaceDir, 'memory'), { recursive: true });
    await writeFile(
      join(workspaceDir, 'MEMORY.md'),
      [
        '## Family',
        'My sister Marguerite adores sunflowers; she grows them every summer.',
        '',
        '## Work',
        'We decided to ship the Zyxquartz release on a Thursday.',
      ].join('\n'),
    );
    await writeFile(
      join(workspaceDir, 'memory', '2026-11-30.md'),
      '## Travel\nThe passport renewal is due in March; the office is on Rue Lepic.',
    );
    service = createMemoryService({
      config: configSchema.parse({ memory: { embeddings: { provider: 'local', modelPath } } }),
      stateDir,
      workspaceDir,
    });
  });

  afterAll(async () => {
    await service.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('indexes through the real pipeline from memory.embeddings.modelPath, offline', async () => {
    const report = await service.index();
    expect(report).toMatchObject({ files: 2, changedFiles: 2, embedded: 3, totalChunks: 3 });
    const status = await service.status();
    expect(status).toMatchObject({ indexedWith: 'local:tiny-minilm', dims: tinyModelDims });
  });

  it('finds a fact by a paraphrase and by an exact rare word', async () => {
    const [paraphrase] = await service.search('Which blossoms does my sibling love?');
    expect(paraphrase).toMatchObject({ path: 'MEMORY.md', startLine: 1, endLine: 2 });
    expect(paraphrase!.foundBy).toContain('vector');
    const [rare] = await service.search('Zyxquartz');
    expect(rare).toMatchObject({ path: 'MEMORY.md', startLine: 4, endLine: 5 });
    expect(rare!.foundBy).toContain('text');
  });
});
