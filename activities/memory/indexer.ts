import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { MemoryConfig } from '../../core/config/memory-schema.js';
import { chunkMarkdown, type MarkdownChunk } from './chunker.js';
import type { EmbeddingProvider } from './embeddings/provider.js';
import { listMemoryFiles, noteTime, type MemoryFile } from './sources.js';
import { tableName, type ChunkMeta, type ChunkRow, type MemoryStore } from './store.js';

/** How far an index run is (heartbeat details, CLI progress lines). */
export interface IndexProgress {
  files: number;
  filesDone: number;
  /** Chunks of the files that changed. */
  chunks: number;
  /** Chunks whose text was new and had to be embedded. */
  embedded: number;
  chunksPerSecond: number;
}

/** What an index run did. */
export interface IndexReport extends IndexProgress {
  table: string;
  /** Files whose chunks were rewritten, and files removed from the index. */
  changedFiles: number;
  removedFiles: number;
  totalChunks: number;
  /** Whether this run switched searches to a new table (a new model or size). */
  switched: boolean;
  annIndex: boolean;
  durationMs: number;
}

/** What an index run needs. */
export interface IndexDeps {
  store: MemoryStore;
  provider: EmbeddingProvider;
  memory: MemoryConfig;
  workspaceDir: string;
  onProgress?: (progress: IndexProgress) => void;
  signal?: AbortSignal;
  /** Rows per commit (default 2000). */
  rowsPerCommit?: number;
}

/** A chunk's id: its file, its text and which repeat of that text in the file it is. */
function chunkId(path: string, hash: string, occurrence: number): string {
  return createHash('sha256').update(`${path}\0${hash}\0${occurrence}`).digest('hex').slice(0, 32);
}

interface PlannedRow extends Omit<ChunkRow, 'vector'> {
  vector?: Float32Array;
}

function plan(file: MemoryFile, chunks: MarkdownChunk[]): PlannedRow[] {
  const seen = new Map<string, number>();
  const mtime = noteTime(file.path, file.mtimeMs);
  return chunks.map((chunk) => {
    const occurrence = seen.get(chunk.hash) ?? 0;
    seen.set(chunk.hash, occurrence + 1);
    return {
      id: chunkId(file.path, chunk.hash, occurrence),
      path: file.path,
      source: 'memory',
      startLine: chunk.startLine,
      endLine: chunk.endLine,
      headings: chunk.headings.join(' > '),
      text: chunk.text,
      hash: chunk.hash,
      mtime,
    };
  });
}

/** Whether the stored chunks of a file are exactly the planned ones (nothing to write). */
function unchanged(stored: ChunkMeta[] | undefined, planned: PlannedRow[]): boolean {
  if (!stored || stored.length !== planned.length) return false;
  const byId = new Map(stored.map((row) => [row.id, row]));
  return planned.every((row) => {
    const old = byId.get(row.id);
    return (
      old !== undefined &&
      old.startLine === row.startLine &&
      old.endLine === row.endLine &&
      old.headings === row.headings &&
      old.mtime === row.mtime
    );
  });
}

// Rows written per commit: large enough that 100k chunks are not thousands of commits,
// small enough that a killed run loses little.
const defaultRowsPerCommit = 2000;

/**
 * Bring the index of the current embedding model up to date with the memory files.
 * Only text never embedded before (by this model) is embedded; files are committed a
 * batch at a time, each file wholly, so a run killed part-way leaves a consistent table
 * and the next run continues where it stopped. A table for a new model becomes the one
 * searches use only when it is complete; the previous one is dropped then.
 */
export async function indexMemory(deps: IndexDeps): Promise<IndexReport> {
  const started = Date.now();
  const { store, provider, memory } = deps;
  const files = await listMemoryFiles(deps.workspaceDir, memory.extraPaths);
  const state = await store.readState();
  if (files.length === 0 && !state.active) {
    // Nothing to index and nothing indexed: do not load (or download) a model for nothing.
    return {
      files: 0,
      filesDone: 0,
      chunks: 0,
      embedded: 0,
      chunksPerSecond: 0,
      table: '',
      changedFiles: 0,
      removedFiles: 0,
      totalChunks: 0,
      switched: false,
      annIndex: false,
      durationMs: Date.now() - started,
    };
  }
  const dims = await provider.dimensions();
  const table = tableName(provider.id, dims);
  await store.ensureTable(table, dims);
  const stored = new Map<string, ChunkMeta[]>();
  const storedByHash = new Map<string, string>();
  for (const row of await store.listChunks(table)) {
    stored.set(row.path, [...(stored.get(row.path) ?? []), row]);
    storedByHash.set(row.hash, row.id);
  }
  const progress: IndexProgress = {
    files: files.length,
    filesDone: 0,
    chunks: 0,
    embedded: 0,
    chunksPerSecond: 0,
  };
  const report = () => {
    const seconds = (Date.now() - started) / 1000;
    progress.chunksPerSecond = seconds > 0 ? Math.round(progress.chunks / seconds) : 0;
    deps.onProgress?.({ ...progress });
  };
  let changedFiles = 0;
  let pendingPaths: string[] = [];
  let pendingRows: PlannedRow[] = [];

  const flush = async () => {
    if (pendingPaths.length === 0) return;
    const reusable = new Map<string, string>(); // hash → stored id holding its vector
    const toEmbed = new Map<string, string>(); // hash → text
    for (const row of pendingRows) {
      const storedId = storedByHash.get(row.hash);
      if (storedId !== undefined) reusable.set(row.hash, storedId);
      else toEmbed.set(row.hash, row.text);
    }
    const vectors = new Map<string, Float32Array>();
    const storedVectors = await store.vectorsOf(table, [...new Set(reusable.values())]);
    for (const [hash, id] of reusable) {
      const vector = storedVectors.get(id);
      if (vector) vectors.set(hash, vector);
      else toEmbed.set(hash, pendingRows.find((row) => row.hash === hash)!.text);
    }
    const hashes = [...toEmbed.keys()];
    for (let at = 0; at < hashes.length; at += memory.embeddings.batchSize) {
      deps.signal?.throwIfAborted();
      const batch = hashes.slice(at, at + memory.embeddings.batchSize);
      const embedded = await provider.embed(
        batch.map((hash) => toEmbed.get(hash)!),
        deps.signal,
      );
      batch.forEach((hash, index) => vectors.set(hash, embedded[index]!));
      progress.embedded += batch.length;
      report();
    }
    const rows: ChunkRow[] = pendingRows.map((row) => ({ ...row, vector: vectors.get(row.hash)! }));
    // Files new to the table (a first index) need no merge against what is stored: a
    // merge scans the table, and 50 merges into a growing table cost minutes at 100k.
    if (pendingPaths.every((path) => !stored.has(path))) await store.addRows(table, rows);
    else await store.replaceFiles(table, pendingPaths, rows);
    for (const row of rows) storedByHash.set(row.hash, row.id);
    changedFiles += pendingPaths.length;
    pendingPaths = [];
    pendingRows = [];
  };

  for (const file of files) {
    deps.signal?.throwIfAborted();
    let text: string;
    try {
      text = await readFile(file.absolutePath, 'utf8');
    } catch {
      continue; // deleted while we looked: the next run removes it
    }
    const planned = plan(file, chunkMarkdown(text, memory.chunking));
    if (!unchanged(stored.get(file.path), planned)) {
      pendingPaths.push(file.path);
      pendingRows.push(...planned);
      progress.chunks += planned.length;
      if (pendingRows.length >= (deps.rowsPerCommit ?? defaultRowsPerCommit)) await flush();
    }
    progress.filesDone += 1;
    if (progress.filesDone % 50 === 0) report();
  }
  await flush();

  const present = new Set(files.map((file) => file.path));
  const removed = [...stored.keys()].filter((path) => !present.has(path));
  await store.removeFiles(table, removed);

  const changed = changedFiles > 0 || removed.length > 0;
  const totalChunks = await store.countRows(table);
  const previous = state.active;
  let annRows = previous?.table === table ? previous.annRows : 0;
  if (changed) {
    await store.refreshTextIndex(table);
    if (totalChunks >= memory.search.annMinRows && (annRows === 0 || totalChunks >= 2 * annRows)) {
      await store.buildAnnIndex(table, totalChunks);
      annRows = totalChunks;
    }
    await store.compact(table);
  }
  const switched = previous?.table !== table;
  if (switched || annRows !== previous?.annRows) {
    const { apiKey: _secret, ...embeddings } = memory.embeddings;
    await store.writeState({
      active: { table, providerId: provider.id, dims, annRows, embeddings },
    });
  }
  if (switched && previous) await store.dropTable(previous.table);
  report();
  return {
    ...progress,
    table,
    changedFiles,
    removedFiles: removed.length,
    totalChunks,
    switched,
    annIndex: annRows > 0,
    durationMs: Date.now() - started,
  };
}
