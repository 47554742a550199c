import { readFile, realpath } from 'node:fs/promises';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import type { MemoryConfig } from '../../core/config/memory-schema.js';
import type { Config } from '../../core/config/schema.js';
import { createEmbeddingProvider } from './embeddings/create.js';
import type { EmbeddingProvider } from './embeddings/provider.js';
import { MemoryError } from './errors.js';
import { indexMemory, type IndexProgress, type IndexReport } from './indexer.js';
import { hybridSearch, type MemorySearchResult } from './search.js';
import { listMemoryFiles, memoryRoots } from './sources.js';
import { openMemoryStore, type MemoryStore } from './store.js';

/** What `memory status` shows. */
export interface MemoryStatus {
  enabled: boolean;
  provider: string;
  /** The table searches use, or undefined before the first index. */
  table?: string;
  /** The model of that table (may differ from the configured one until a re-index ends). */
  indexedWith?: string;
  dims?: number;
  files: number;
  indexedFiles: number;
  chunks: number;
  annIndex: boolean;
  storeDir: string;
}

/** A window of a memory file's lines. */
export interface MemoryLines {
  path: string;
  from: number;
  to: number;
  totalLines: number;
  text: string;
}

/** The memory of one workspace: index, search, read. One per worker process. */
export interface MemoryService {
  readonly config: MemoryConfig;
  status(): Promise<MemoryStatus>;
  /** Index now; concurrent calls share one run. */
  index(options?: {
    onProgress?: (progress: IndexProgress) => void;
    signal?: AbortSignal;
  }): Promise<IndexReport>;
  search(
    query: string,
    options?: { maxResults?: number; minScore?: number },
  ): Promise<MemorySearchResult[]>;
  /** Lines of a memory file; refuses any other file. */
  get(path: string, from?: number, lines?: number): Promise<MemoryLines>;
  close(): Promise<void>;
}

/** Where the memory service works. */
export interface MemoryServiceDeps {
  config: Config;
  stateDir: string;
  workspaceDir: string;
  /** LanceDB folder (default <stateDir>/memory). */
  storeDir?: string;
  log?: (line: string) => void;
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The memory service of a workspace. Nothing is opened until first use. */
export function createMemoryService(deps: MemoryServiceDeps): MemoryService {
  const memory = deps.config.memory;
  const storeDir = deps.storeDir ?? join(deps.stateDir, 'memory');
  const environment = { stateDir: deps.stateDir, ...(deps.log ? { log: deps.log } : {}) };
  let store: Promise<MemoryStore> | undefined;
  let provider: EmbeddingProvider | undefined;
  // The provider of an older table still in use while a new model's table is being built.
  let previous: { table: string; provider: EmbeddingProvider } | undefined;
  let running: Promise<IndexReport> | undefined;
  const openStore = () => (store ??= openMemoryStore(storeDir));
  const currentProvider = () => (provider ??= createEmbeddingProvider(deps.config, environment));

  const searchProvider = async (
    table: string,
    providerId: string,
    settings: Record<string, unknown> | undefined,
  ): Promise<EmbeddingProvider> => {
    const current = currentProvider();
    if (current.id === providerId) return current;
    if (previous?.table === table) return previous.provider;
    await previous?.provider.close();
    const config: Config = {
      ...deps.config,
      memory: { ...memory, embeddings: { ...memory.embeddings, ...settings } },
    };
    previous = { table, provider: createEmbeddingProvider(config, environment) };
    return previous.provider;
  };

  return {
    config: memory,
    async status() {
      const opened = await openStore();
      const { active } = await opened.readState();
      const files = await listMemoryFiles(deps.workspaceDir, memory.extraPaths);
      let chunks = 0;
      let indexedFiles = 0;
      if (active && (await opened.tableExists(active.table))) {
        const rows = await opened.listChunks(active.table);
        chunks = rows.length;
        indexedFiles = new Set(rows.map((row) => row.path)).size;
      }
      return {
        enabled: memory.enabled,
        provider: currentProvider().id,
        ...(active
          ? { table: active.table, indexedWith: active.providerId, dims: active.dims }
          : {}),
        files: files.length,
        indexedFiles,
        chunks,
        annIndex: (active?.annRows ?? 0) > 0,
        storeDir,
      };
    },
    index(options = {}) {
      running ??= (async () => {
        try {
          return await indexMemory({
            store: await openStore(),
            provider: currentProvider(),
            memory,
            workspaceDir: deps.workspaceDir,
            ...options,
          });
        } finally {
          running = undefined;
        }
      })();
      return running;
    },
    async search(query, options = {}) {
      if (!memory.enabled) throw new MemoryError('MEMORY_DISABLED', 'Memory is turned off.');
      const opened = await openStore();
      const { active } = await opened.readState();
      if (!active) return [];
      const embedder = await searchProvider(active.table, active.providerId, active.embeddings);
      return hybridSearch(opened, active.table, embedder, {
        query,
        maxResults: options.maxResults ?? memory.search.maxResults,
        minScore: options.minScore ?? memory.search.minScore,
        ...(memory.search.mmr !== undefined ? { mmr: memory.search.mmr } : {}),
        ...(memory.search.recencyHalfLifeDays !== undefined
          ? { recencyHalfLifeDays: memory.search.recencyHalfLifeDays }
          : {}),
      });
    },
    async get(path, from = 1, lines = 200) {
      const outside = () =>
        new MemoryError(
          'PATH_OUTSIDE_MEMORY',
          `${path} is not a memory file: memory_get reads only MEMORY.md, memory/**/*.md` +
            (memory.extraPaths.length > 0 ? ' and memory.extraPaths' : '') +
            '. Use read_file for other files.',
        );
      if (path.includes('\0') || !path.toLowerCase().endsWith('.md')) throw outside();
      let real: string;
      try {
        // Symlinks are resolved first, so a link inside memory/ cannot lead elsewhere.
        real = await realpath(resolve(deps.workspaceDir, path));
      } catch {
        throw outside();
      }
      const roots = await Promise.all(
        memoryRoots(deps.workspaceDir, memory.extraPaths).map((root) =>
          realpath(root).catch(() => undefined),
        ),
      );
      if (!roots.some((root) => root !== undefined && isInside(root, real))) throw outside();
      const all = (await readFile(real, 'utf8')).split(/\r?\n/);
      const start = Math.max(1, from);
      const slice = all.slice(start - 1, start - 1 + lines);
      return {
        path,
        from: start,
        to: start + slice.length - 1,
        totalLines: all.length,
        text: slice.join('\n'),
      };
    },
    async close() {
      await running?.catch(() => undefined);
      await provider?.close();
      await previous?.provider.close();
      if (store) (await store).close();
    },
  };
}
