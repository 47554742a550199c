import { z } from 'zod';
import { MemoryError } from '../errors.js';
import { normalize, type EmbeddingProvider } from './provider.js';

/** Where and how to reach an OpenAI-compatible /v1/embeddings API. */
export interface OpenAiEmbeddingOptions {
  /** Base URL ending in /v1. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  dimensions?: number;
  /** Per request; a slow local server (Ollama on a CPU) needs a generous one. */
  timeoutMs?: number;
}

const responseSchema = z.object({
  data: z.array(z.object({ index: z.number().int(), embedding: z.array(z.number()) })),
});

/** Embeddings from any OpenAI-compatible server (OpenAI, Ollama, LM Studio, vLLM). */
export function createOpenAiEmbeddings(options: OpenAiEmbeddingOptions): EmbeddingProvider {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
  let dims: number | undefined = options.dimensions;
  const embed = async (texts: string[], signal?: AbortSignal): Promise<Float32Array[]> => {
    if (texts.length === 0) return [];
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 120_000);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: options.model,
          input: texts,
          encoding_format: 'float',
          ...(options.dimensions !== undefined ? { dimensions: options.dimensions } : {}),
        }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      throw new MemoryError('EMBEDDING_FAILED', `${url}: ${(error as Error).message}`, true);
    }
    if (!response.ok) {
      const body = (await response.text()).slice(0, 500);
      // 429 and 5xx pass; a bad key or an unknown model does not.
      const retryable = response.status === 429 || response.status >= 500;
      throw new MemoryError(
        'EMBEDDING_FAILED',
        `${url}: HTTP ${response.status} ${body}`,
        retryable,
      );
    }
    const parsed = responseSchema.safeParse(await response.json());
    if (!parsed.success || parsed.data.data.length !== texts.length) {
      throw new MemoryError('EMBEDDING_MISMATCH', `${url}: expected ${texts.length} embeddings`);
    }
    const vectors: Float32Array[] = new Array<Float32Array>(texts.length);
    for (const item of parsed.data.data) vectors[item.index] = normalize(item.embedding);
    for (const vector of vectors) {
      dims ??= vector.length;
      if (vector.length !== dims) {
        throw new MemoryError(
          'EMBEDDING_MISMATCH',
          `${url}: got a vector of ${vector.length} dimensions, expected ${dims}`,
        );
      }
    }
    return vectors;
  };
  return {
    id: `openai:${options.model}`,
    embed,
    async dimensions() {
      if (dims === undefined) await embed(['dimension probe']);
      return dims!;
    },
    async close() {},
  };
}
