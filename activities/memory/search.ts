import { dot, type EmbeddingProvider } from './embeddings/provider.js';
import { isEvergreen } from './sources.js';
import type { MemoryStore, StoredHit } from './store.js';

/** One search result: a snippet and where it is. */
export interface MemorySearchResult {
  path: string;
  startLine: number;
  endLine: number;
  /** The heading trail above the snippet. */
  headings: string;
  snippet: string;
  /** 0..1: 1 when both searches ranked it first (before recency weighting). */
  score: number;
  /** Which searches found it. */
  foundBy: ('vector' | 'text')[];
  /** Cosine similarity to the query, when the vector search found it. */
  similarity?: number;
}

/** How a search is run. */
export interface SearchOptions {
  query: string;
  maxResults: number;
  minScore: number;
  /** MMR trade-off, 1 = relevance only; unset = no diversification. */
  mmr?: number;
  recencyHalfLifeDays?: number;
  /** Now, for recency (tests pass a fixed time). */
  now?: number;
}

// Reciprocal rank fusion's usual constant: damps the difference between ranks 1 and 2.
const rrfK = 60;
const snippetChars = 700;

interface Candidate {
  hit: StoredHit;
  fused: number;
  foundBy: Set<'vector' | 'text'>;
  similarity?: number;
}

function snippet(text: string): string {
  return text.length <= snippetChars ? text : `${text.slice(0, snippetChars - 1)}…`;
}

/** Pick results one by one, trading relevance against likeness to those already picked. */
function diversify(candidates: Candidate[], count: number, lambda: number): Candidate[] {
  const picked: Candidate[] = [];
  const rest = [...candidates];
  while (picked.length < count && rest.length > 0) {
    let bestIndex = 0;
    let bestValue = -Infinity;
    rest.forEach((candidate, index) => {
      const vector = candidate.hit.vector;
      const likeness = vector
        ? Math.max(
            0,
            ...picked.map((other) => (other.hit.vector ? dot(vector, other.hit.vector) : 0)),
          )
        : 0;
      const value = lambda * candidate.fused - (1 - lambda) * likeness;
      if (value > bestValue) {
        bestValue = value;
        bestIndex = index;
      }
    });
    picked.push(rest.splice(bestIndex, 1)[0]!);
  }
  return picked;
}

/**
 * Hybrid search of one table: nearest neighbours of the query's vector and BM25 full-text
 * matches, fused by reciprocal rank (each list contributes 1/(60 + rank)), so a rare word
 * the embedding blurs and a paraphrase the words miss are both found. Then optionally
 * weighted towards recent notes and diversified.
 */
export async function hybridSearch(
  store: MemoryStore,
  table: string,
  provider: EmbeddingProvider,
  options: SearchOptions,
): Promise<MemorySearchResult[]> {
  const query = options.query.trim();
  if (query === '') return [];
  const pool = Math.max(options.maxResults * 4, 20);
  const withVectors = options.mmr !== undefined;
  const [queryVector] = await provider.embed([query]);
  const [vectorHits, textHits] = await Promise.all([
    store.vectorSearch(table, queryVector!, { limit: pool, withVectors }),
    // A table without a text index yet (nothing indexed) has no full-text matches.
    store.textSearch(table, query, { limit: pool, withVectors }).catch(() => [] as StoredHit[]),
  ]);
  const candidates = new Map<string, Candidate>();
  const add = (hits: StoredHit[], kind: 'vector' | 'text') => {
    hits.forEach((hit, rank) => {
      const candidate = candidates.get(hit.id) ?? { hit, fused: 0, foundBy: new Set() };
      candidate.fused += 1 / (rrfK + rank + 1);
      candidate.foundBy.add(kind);
      if (kind === 'vector' && hit.distance !== undefined) candidate.similarity = 1 - hit.distance;
      candidates.set(hit.id, candidate);
    });
  };
  add(vectorHits, 'vector');
  add(textHits, 'text');
  const best = 2 / (rrfK + 1);
  const now = options.now ?? Date.now();
  const halfLife = options.recencyHalfLifeDays;
  let ranked = [...candidates.values()].map((candidate) => {
    let fused = candidate.fused / best;
    if (halfLife !== undefined && halfLife > 0 && !isEvergreen(candidate.hit.path)) {
      const ageDays = Math.max(0, (now - candidate.hit.mtime) / 86_400_000);
      fused *= Math.pow(0.5, ageDays / halfLife);
    }
    return { ...candidate, fused };
  });
  ranked.sort((left, right) => right.fused - left.fused);
  ranked = ranked.filter((candidate) => candidate.fused >= options.minScore);
  const chosen =
    options.mmr !== undefined
      ? diversify(ranked, options.maxResults, options.mmr)
      : ranked.slice(0, options.maxResults);
  return chosen.map((candidate) => ({
    path: candidate.hit.path,
    startLine: candidate.hit.startLine,
    endLine: candidate.hit.endLine,
    headings: candidate.hit.headings,
    snippet: snippet(candidate.hit.text),
    score: Math.round(candidate.fused * 1000) / 1000,
    foundBy: [...candidate.foundBy].sort((left, right) =>
      left === 'vector' ? -1 : right === 'vector' ? 1 : 0,
    ),
    ...(candidate.similarity !== undefined
      ? { similarity: Math.round(candidate.similarity * 1000) / 1000 }
      : {}),
  }));
}
