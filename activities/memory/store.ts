import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type * as LanceDb from '@lancedb/lancedb';
import type { Connection, Table } from '@lancedb/lancedb';
import type * as Arrow from 'apache-arrow';
import type { FixedSizeList, Schema } from 'apache-arrow';

/** One chunk as stored: where it comes from, its text and its vector. */
export interface ChunkRow {
  /** Identifies the chunk across runs: path, content hash and which repeat of it. */
  id: string;
  /** Relative to the workspace (memory files) or `sessions/<id>` (transcripts). */
  path: string;
  source: 'memory' | 'sessions';
  startLine: number;
  endLine: number;
  /** The heading trail joined by ' > '. */
  headings: string;
  text: string;
  hash: string;
  /** The file's modification time (ms), or the note's date for dated notes. */
  mtime: number;
  vector: Float32Array;
}

/** A stored chunk without its vector (what the indexer compares against). */
export type ChunkMeta = Omit<ChunkRow, 'vector' | 'text'>;

/** A table of vectors from one embedding model, and how that model is reached again. */
export interface ActiveTable {
  table: string;
  providerId: string;
  dims: number;
  /** Rows when the ANN index was last built, or 0 when the table has none. */
  annRows: number;
  /**
   * memory.embeddings as it was when the table was built (without the API key): queries
   * are embedded by this model until a table for a new one is complete.
   */
  embeddings?: Record<string, unknown>;
}

/** The store's own small record, beside the tables. */
export interface StoreState {
  active?: ActiveTable;
}

/** A row as LanceDB returns it from a search. */
export interface StoredHit extends Omit<ChunkRow, 'vector'> {
  vector?: Float32Array;
  /** Cosine distance (vector search) or BM25 score (full text). */
  distance?: number;
  score?: number;
}

const columns = [
  'id',
  'path',
  'source',
  'start_line',
  'end_line',
  'headings',
  'text',
  'hash',
  'mtime',
];

function schemaFor(arrow: typeof Arrow, dims: number): Schema {
  const { Field, FixedSizeList, Float32, Float64, Int32, Schema, Utf8 } = arrow;
  return new Schema([
    new Field('id', new Utf8(), false),
    new Field('path', new Utf8(), false),
    new Field('source', new Utf8(), false),
    new Field('start_line', new Int32(), false),
    new Field('end_line', new Int32(), false),
    new Field('headings', new Utf8(), false),
    new Field('text', new Utf8(), false),
    new Field('hash', new Utf8(), false),
    new Field('mtime', new Float64(), false),
    new Field('vector', new FixedSizeList(dims, new Field('item', new Float32(), true)), false),
  ]);
}

/** The table for vectors of `providerId` with `dims` dimensions: one per model and size. */
export function tableName(providerId: string, dims: number): string {
  const slug = providerId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  return `chunks_${slug}_${dims}`;
}

/** SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

type Record_ = Record<string, unknown>;

function toRecord(row: ChunkRow): Record_ {
  return {
    id: row.id,
    path: row.path,
    source: row.source,
    start_line: row.startLine,
    end_line: row.endLine,
    headings: row.headings,
    text: row.text,
    hash: row.hash,
    mtime: row.mtime,
    vector: Array.from(row.vector),
  };
}

function vectorOf(value: unknown): Float32Array | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Float32Array) return value;
  const array = (value as { toArray?: () => ArrayLike<number> }).toArray?.() ?? (value as number[]);
  return Float32Array.from(array);
}

function fromRecord(record: Record_): StoredHit {
  const vector = vectorOf(record.vector);
  return {
    id: String(record.id),
    path: String(record.path),
    source: record.source === 'sessions' ? 'sessions' : 'memory',
    startLine: Number(record.start_line),
    endLine: Number(record.end_line),
    headings: typeof record.headings === 'string' ? record.headings : '',
    text: typeof record.text === 'string' ? record.text : '',
    hash: String(record.hash),
    mtime: Number(record.mtime),
    ...(vector ? { vector } : {}),
    ...(typeof record._distance === 'number' ? { distance: record._distance } : {}),
    ...(typeof record._score === 'number' ? { score: record._score } : {}),
  };
}

/** Search knobs that reach LanceDB. */
export interface QueryOptions {
  limit: number;
  /** Return each hit's vector too (for MMR). */
  withVectors?: boolean;
}

/**
 * The memory index on disk (<stateDir>/memory): LanceDB tables of chunks, one per
 * embedding model and size, and state.json naming the one searches use. A table is only
 * made active once it is complete, so a search never meets a half-built index and never
 * compares vectors of two models.
 */
export interface MemoryStore {
  readonly dir: string;
  readState(): Promise<StoreState>;
  writeState(state: StoreState): Promise<void>;
  /** Open (or create, empty) a table for vectors of `dims` dimensions. */
  ensureTable(name: string, dims: number): Promise<void>;
  tableExists(name: string): Promise<boolean>;
  dropTable(name: string): Promise<void>;
  countRows(name: string): Promise<number>;
  /** Every chunk of the table without vectors or text: what the indexer compares against. */
  listChunks(name: string): Promise<ChunkMeta[]>;
  /** Vectors of stored chunks by id (to reuse when a chunk only moved). */
  vectorsOf(name: string, ids: string[]): Promise<Map<string, Float32Array>>;
  /**
   * Make the table's rows for `paths` exactly `rows`, in one commit: a run killed before
   * or after it leaves each file wholly old or wholly new, never duplicated.
   */
  replaceFiles(name: string, paths: string[], rows: ChunkRow[]): Promise<void>;
  /** Add the chunks of files that have none stored yet (one commit; no merge needed). */
  addRows(name: string, rows: ChunkRow[]): Promise<void>;
  /** Remove every chunk of these files. */
  removeFiles(name: string, paths: string[]): Promise<void>;
  /** Bring the full-text index up to date with the rows (creating it the first time). */
  refreshTextIndex(name: string): Promise<void>;
  /** Build (or rebuild) the approximate vector index. */
  buildAnnIndex(name: string, rows: number): Promise<void>;
  hasAnnIndex(name: string): Promise<boolean>;
  /** Compact small commits into larger files (after indexing). */
  compact(name: string): Promise<void>;
  vectorSearch(name: string, vector: Float32Array, options: QueryOptions): Promise<StoredHit[]>;
  textSearch(name: string, query: string, options: QueryOptions): Promise<StoredHit[]>;
  /** Close the tables and the connection. */
  close(): void;
}

/** LanceDB, Arrow and the connection, loaded together on first use. */
interface Native {
  lancedb: typeof LanceDb;
  arrow: typeof Arrow;
  connection: Connection;
}

/** Open the store in `dir` (created when missing). */
export async function openMemoryStore(dir: string): Promise<MemoryStore> {
  // LanceDB 0.31 builds a full-text index of ~100k rows on its CPU pool and never finishes
  // when that pool has only 2 threads (one per core here): seen hanging at 0% CPU, done in
  // 6 s with 4. The pool is sized from this variable when LanceDB first needs it, so it
  // has to be set before then; a value the user set wins.
  process.env.LANCE_CPU_THREADS ??= String(Math.max(4, availableParallelism()));
  await mkdir(dir, { recursive: true });
  // LanceDB's native module and Arrow load with the first table operation, not with the
  // module or the store: an index pass over a workspace without memory files (every idle
  // gateway's start) reads state.json and never needs them (~40 MB of RSS).
  let native: Promise<Native> | undefined;
  const lance = () =>
    (native ??= (async () => {
      const [lancedb, arrow] = await Promise.all([
        import('@lancedb/lancedb'),
        import('apache-arrow'),
      ]);
      return { lancedb, arrow, connection: await lancedb.connect(dir) };
    })());
  const tables = new Map<string, Table>();
  const stateFile = join(dir, 'state.json');
  const open = async (name: string): Promise<Table> => {
    let table = tables.get(name);
    if (!table) {
      table = await (await lance()).connection.openTable(name);
      tables.set(name, table);
    }
    return table;
  };
  const inList = (paths: string[]) => `path IN (${paths.map(sqlString).join(', ')})`;
  const select = (withVectors: boolean | undefined) =>
    withVectors ? [...columns, 'vector'] : columns;

  return {
    dir,
    async readState() {
      try {
        return JSON.parse(await readFile(stateFile, 'utf8')) as StoreState;
      } catch {
        return {};
      }
    },
    async writeState(state) {
      // Written whole and renamed into place: a crash leaves the old state or the new one.
      const temporary = `${stateFile}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(state, null, 2));
      await rename(temporary, stateFile);
    },
    async ensureTable(name, dims) {
      if (tables.has(name)) return;
      const { arrow, connection } = await lance();
      const names = await connection.tableNames();
      const table = names.includes(name)
        ? await connection.openTable(name)
        : await connection.createEmptyTable(name, schemaFor(arrow, dims), { existOk: true });
      tables.set(name, table);
    },
    async tableExists(name) {
      return (await (await lance()).connection.tableNames()).includes(name);
    },
    async dropTable(name) {
      tables.get(name)?.close();
      tables.delete(name);
      const { connection } = await lance();
      if ((await connection.tableNames()).includes(name)) await connection.dropTable(name);
    },
    async countRows(name) {
      return (await open(name)).countRows();
    },
    async listChunks(name) {
      const table = await open(name);
      const records = (await table
        .query()
        .select(['id', 'path', 'source', 'start_line', 'end_line', 'headings', 'hash', 'mtime'])
        .toArray()) as Record_[];
      return records.map((record) => {
        const { text: _text, vector: _vector, ...meta } = fromRecord(record);
        return meta;
      });
    },
    async vectorsOf(name, ids) {
      const result = new Map<string, Float32Array>();
      if (ids.length === 0) return result;
      const table = await open(name);
      for (let at = 0; at < ids.length; at += 500) {
        const slice = ids.slice(at, at + 500);
        const records = (await table
          .query()
          .where(`id IN (${slice.map(sqlString).join(', ')})`)
          .select(['id', 'vector'])
          .toArray()) as Record_[];
        for (const record of records) {
          const vector = vectorOf(record.vector);
          if (vector) result.set(String(record.id), vector);
        }
      }
      return result;
    },
    async replaceFiles(name, paths, rows) {
      if (paths.length === 0) return;
      const table = await open(name);
      if (rows.length === 0) {
        await table.delete(inList(paths));
        return;
      }
      await table
        .mergeInsert('id')
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .whenNotMatchedBySourceDelete({ where: inList(paths) })
        .execute(rows.map(toRecord));
    },
    async addRows(name, rows) {
      if (rows.length === 0) return;
      await (await open(name)).add(rows.map(toRecord));
    },
    async removeFiles(name, paths) {
      if (paths.length === 0) return;
      const table = await open(name);
      for (let at = 0; at < paths.length; at += 500) {
        await table.delete(inList(paths.slice(at, at + 500)));
      }
    },
    async refreshTextIndex(name) {
      const table = await open(name);
      const indices = await table.listIndices();
      if (!indices.some((index) => index.columns.includes('text'))) {
        const { lancedb } = await lance();
        await table.createIndex('text', {
          config: lancedb.Index.fts({ withPosition: false, stem: true, removeStopWords: true }),
        });
      }
    },
    async buildAnnIndex(name, rows) {
      const table = await open(name);
      // IVF-PQ: about sqrt(rows) partitions; sub-vectors of 8 dimensions where they divide.
      const schema = await table.schema();
      const vectorField = schema.fields.find((field) => field.name === 'vector');
      const dims = (vectorField?.type as FixedSizeList | undefined)?.listSize ?? 0;
      const numSubVectors = dims % 16 === 0 ? dims / 16 : dims % 8 === 0 ? dims / 8 : 1;
      const { lancedb } = await lance();
      await table.createIndex('vector', {
        config: lancedb.Index.ivfPq({
          distanceType: 'cosine',
          numPartitions: Math.max(1, Math.round(Math.sqrt(rows))),
          numSubVectors,
        }),
        replace: true,
      });
    },
    async hasAnnIndex(name) {
      const indices = await (await open(name)).listIndices();
      return indices.some((index) => index.columns.includes('vector'));
    },
    async compact(name) {
      // Compacts fragments and folds new rows into the indices; old versions are cleaned
      // up at once because nothing reads back in time here.
      await (await open(name)).optimize({ cleanupOlderThan: new Date() });
    },
    async vectorSearch(name, vector, options) {
      const table = await open(name);
      const records = (await table
        .vectorSearch(vector)
        .distanceType('cosine')
        .nprobes(20)
        .refineFactor(5)
        .select([...select(options.withVectors), '_distance'])
        .limit(options.limit)
        .toArray()) as Record_[];
      return records.map(fromRecord);
    },
    async textSearch(name, query, options) {
      const table = await open(name);
      const records = (await table
        .query()
        .fullTextSearch(query, { columns: ['text'] })
        .select([...select(options.withVectors), '_score'])
        .limit(options.limit)
        .toArray()) as Record_[];
      return records.map(fromRecord);
    },
    close() {
      for (const table of tables.values()) table.close();
      tables.clear();
      // Closed once it has opened (close() stays synchronous: the promise is settled by then or soon).
      void native?.then(({ connection }) => connection.close()).catch(() => undefined);
    },
  };
}
