// bench/memory: LanceDB memory at 100,000 chunks. Vectors come from the fake embedding
// provider's function (in-process, 384 dimensions like MiniLM), so the numbers are LanceDB
// and our code, not a model: index throughput, size on disk, and search latency p50/p95/p99
// for vector, full-text and hybrid queries, exact and with the ANN (IVF-PQ) index. Then
// local-model embedding throughput on the tests' tiny ONNX model and, when
// CLAWDBOT_BENCH_MODEL_PATH points at a real all-MiniLM-L6-v2 folder, on it.
//
//   node bin/run-ts.js bench/memory/index.ts [--chunks 100000] [--queries 200]
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalEmbeddings } from '../../activities/memory/embeddings/local.js';
import { normalize, type EmbeddingProvider } from '../../activities/memory/embeddings/provider.js';
import { indexMemory } from '../../activities/memory/indexer.js';
import { hybridSearch } from '../../activities/memory/search.js';
import { openMemoryStore, type MemoryStore } from '../../activities/memory/store.js';
import { configSchema } from '../../core/config/schema.js';
import { fakeEmbedder } from '../../test/fakes/embeddings-server.js';
import { writeTinyModel } from '../../test/memory/tiny-model.js';
import { percentile } from '../stats.js';

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

const totalChunks = flag('chunks', 100_000);
const queryCount = flag('queries', 200);
const dims = 384;
const sectionsPerFile = 100;

// A vocabulary of made-up words with a Zipf-like use, so full-text search has common and
// rare terms like real notes.
function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
const random = seeded(7);
const syllables = ['ka', 'lo', 'mi', 'ne', 'su', 'ra', 'to', 'vi', 'de', 'po', 'an', 'el'];
const vocabulary = Array.from({ length: 20_000 }, () => {
  const length = 2 + Math.floor(random() * 3);
  return Array.from({ length }, () => syllables[Math.floor(random() * syllables.length)]).join('');
});
const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 3)]!;
const sentence = (words: number) => Array.from({ length: words }, word).join(' ');

function fakeProvider(): EmbeddingProvider & { calls: number } {
  const fakeEmbedding = fakeEmbedder(dims);
  const provider = {
    id: 'bench:fake',
    calls: 0,
    embed(texts: string[]) {
      provider.calls += 1;
      return Promise.resolve(texts.map((text) => normalize(fakeEmbedding(text))));
    },
    dimensions: () => Promise.resolve(dims),
    close: () => Promise.resolve(),
  };
  return provider;
}

function line(label: string, values: number[]): string {
  const p = (q: number) => percentile(values, q).toFixed(2).padStart(7);
  return `  ${label.padEnd(10)} p50 ${p(50)} ms  p95 ${p(95)} ms  p99 ${p(99)} ms  (n=${values.length})`;
}

async function timeQueries(
  store: MemoryStore,
  table: string,
  provider: EmbeddingProvider,
  queries: string[],
): Promise<void> {
  const vector: number[] = [];
  const text: number[] = [];
  const hybrid: number[] = [];
  // Warm up: open files, load index pages.
  for (const query of queries.slice(0, 10)) {
    await hybridSearch(store, table, provider, { query, maxResults: 6, minScore: 0 });
  }
  for (const query of queries) {
    const [queryVector] = await provider.embed([query]);
    let started = performance.now();
    await store.vectorSearch(table, queryVector!, { limit: 24 });
    vector.push(performance.now() - started);
    started = performance.now();
    await store.textSearch(table, query, { limit: 24 });
    text.push(performance.now() - started);
    started = performance.now();
    await hybridSearch(store, table, provider, { query, maxResults: 6, minScore: 0 });
    hybrid.push(performance.now() - started);
  }
  console.log(line('vector', vector));
  console.log(line('full-text', text));
  console.log(line('hybrid', hybrid));
}

async function localThroughput(label: string, modelPath: string, texts: string[]): Promise<void> {
  const provider = createLocalEmbeddings({
    model: label,
    modelPath,
    cacheDir: join(tmpdir(), 'clawdbot-bench-models'),
    quantized: true,
  });
  try {
    await provider.embed(texts.slice(0, 4)); // load the model
    const started = performance.now();
    for (let at = 0; at < texts.length; at += 32) await provider.embed(texts.slice(at, at + 32));
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `  ${label}: ${Math.round(texts.length / seconds)} chunks/s (${texts.length} chunks, batches of 32)`,
    );
  } finally {
    await provider.close();
  }
}

async function main() {
  const root = await mkdtemp(join(tmpdir(), 'clawdbot-bench-memory-'));
  try {
    const workspaceDir = join(root, 'workspace');
    const files = Math.ceil(totalChunks / sectionsPerFile);
    await mkdir(join(workspaceDir, 'memory'), { recursive: true });
    for (let file = 0; file < files; file++) {
      const sections = Array.from(
        { length: Math.min(sectionsPerFile, totalChunks - file * sectionsPerFile) },
        (_, n) => `## Note ${n} ${word()}\n${sentence(40)}.\n${sentence(30)}.`,
      );
      await writeFile(join(workspaceDir, 'memory', `notes-${file}.md`), sections.join('\n\n'));
    }
    const memory = configSchema.parse({
      memory: { search: { annMinRows: 1_000_000_000 }, embeddings: { batchSize: 256 } },
    }).memory;
    const store = await openMemoryStore(join(root, 'memory'));
    const provider = fakeProvider();
    console.log(`bench/memory: ${totalChunks} chunks in ${files} files, ${dims} dimensions`);

    const started = performance.now();
    const report = await indexMemory({ store, provider, memory, workspaceDir });
    const seconds = (performance.now() - started) / 1000;
    const size = execFileSync('du', ['-sb', join(root, 'memory')], { encoding: 'utf8' }).split(
      '\t',
    )[0]!;
    console.log(
      `index: ${report.totalChunks} chunks in ${seconds.toFixed(1)} s = ` +
        `${Math.round(report.totalChunks / seconds)} chunks/s (chunking, fake vectors, LanceDB ` +
        `writes, FTS index, compaction); on disk ${(Number(size) / 1024 / 1024).toFixed(1)} MiB`,
    );
    const again = performance.now();
    await indexMemory({ store, provider, memory, workspaceDir });
    console.log(`re-index, nothing changed: ${((performance.now() - again) / 1000).toFixed(2)} s`);

    const queries = Array.from({ length: queryCount }, (_, index) =>
      index % 2 === 0 ? sentence(5) : word(),
    );
    console.log('search, exact (no ANN index):');
    await timeQueries(store, report.table, provider, queries);

    const annStarted = performance.now();
    await store.buildAnnIndex(report.table, report.totalChunks);
    console.log(
      `ANN index (IVF-PQ) built in ${((performance.now() - annStarted) / 1000).toFixed(1)} s`,
    );
    console.log('search, with the ANN index (nprobes 20, refine 5):');
    await timeQueries(store, report.table, provider, queries);
    store.close();

    console.log('local model embedding throughput:');
    const texts = Array.from({ length: 512 }, () => `${sentence(40)}. ${sentence(30)}.`);
    const tiny = join(root, 'tiny-model');
    await writeTinyModel(tiny);
    await localThroughput('tiny test model', tiny, texts);
    const real = process.env.CLAWDBOT_BENCH_MODEL_PATH;
    if (real) await localThroughput('all-MiniLM-L6-v2', real, texts.slice(0, 256));
    else console.log('  (set CLAWDBOT_BENCH_MODEL_PATH to a MiniLM folder to measure it too)');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
