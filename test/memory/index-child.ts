// An indexer in a process of its own, for the test that kills one mid-way: it indexes the
// workspace named in CLAWDBOT_TEST_MEMORY (JSON) with small commits, as a worker would.
import { configSchema } from '../../core/config/schema.js';
import { createOpenAiEmbeddings } from '../../activities/memory/embeddings/openai.js';
import { indexMemory } from '../../activities/memory/indexer.js';
import { openMemoryStore } from '../../activities/memory/store.js';

const settings = JSON.parse(process.env.CLAWDBOT_TEST_MEMORY ?? '{}') as {
  storeDir: string;
  workspaceDir: string;
  baseUrl: string;
};
const config = configSchema.parse({ memory: { embeddings: { batchSize: 4 } } });
const store = await openMemoryStore(settings.storeDir);
await indexMemory({
  store,
  provider: createOpenAiEmbeddings({
    baseUrl: settings.baseUrl,
    apiKey: 'sk-test',
    model: 'fake-embed-small',
  }),
  memory: config.memory,
  workspaceDir: settings.workspaceDir,
  rowsPerCommit: 8,
  onProgress: (progress) => process.stdout.write(`${JSON.stringify(progress)}\n`),
});
store.close();
