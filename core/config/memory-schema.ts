import { z } from 'zod';

const chunkingSchema = z.strictObject({
  tokens: z
    .number()
    .int()
    .min(32)
    .max(8192)
    .default(400)
    .describe('Target size of a chunk, in tokens (about 4 characters each)'),
  overlap: z
    .number()
    .int()
    .min(0)
    .max(4096)
    .default(80)
    .describe('Tokens a chunk repeats from the end of the one before it'),
});

const embeddingsSchema = z.strictObject({
  provider: z
    .enum(['local', 'openai'])
    .default('local')
    .describe('local: a sentence-embedding model on the CPU; openai: any /v1/embeddings API'),
  model: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Model name: default Xenova/all-MiniLM-L6-v2 (local) or text-embedding-3-small (openai)',
    ),
  modelPath: z
    .string()
    .min(1)
    .optional()
    .describe(
      'local: a folder holding the model (config.json, tokenizer.json, onnx/model*.onnx), ' +
        'for machines without internet; default: downloaded into <stateDir>/models/',
    ),
  quantized: z
    .boolean()
    .default(true)
    .describe('local: use the quantized (int8) weights when the model has them'),
  baseUrl: z
    .url()
    .optional()
    .describe('openai: base URL ending in /v1 (OpenAI, Ollama, LM Studio, vLLM)'),
  apiKey: z.string().min(1).optional().describe('openai: API key (default providers.openai)'),
  dimensions: z
    .number()
    .int()
    .min(1)
    .max(8192)
    .optional()
    .describe('openai: ask the API for vectors of this size (models that support it)'),
  batchSize: z.number().int().min(1).max(2048).default(32).describe('Chunks embedded per call'),
});

const searchSchema = z.strictObject({
  maxResults: z.number().int().min(1).max(100).default(6),
  minScore: z.number().min(0).max(1).default(0).describe('Results scoring below are left out'),
  mmr: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Diversify results (maximal marginal relevance): 1 = relevance only, 0 = diversity'),
  recencyHalfLifeDays: z
    .number()
    .min(0)
    .optional()
    .describe('Weight results towards recent notes: a note this many days old counts half'),
  annMinRows: z
    .number()
    .int()
    .min(256)
    // Exact search of 100k 384-dimension vectors took ~1 s on a loaded 2-core machine and
    // IVF-PQ ~15 ms; at 20k the exact scan is already past the 20 ms budget.
    .default(20_000)
    .describe('Build an approximate (IVF-PQ) vector index once the table has this many chunks'),
});

/** `memory.*`: what is indexed, how it is embedded, how it is searched. */
export const memorySchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Offer memory_search and memory_get to the agent'),
  // 'sessions' (transcripts) is the planned second source; refused until it is indexed,
  // rather than accepted and silently ignored.
  sources: z
    .array(z.enum(['memory']))
    .default(['memory'])
    .describe("What is indexed: the workspace's memory files"),
  extraPaths: z
    .array(z.string().min(1))
    .default([])
    .describe('More Markdown files or folders to index (relative to the workspace)'),
  watch: z.boolean().default(true).describe('Re-index when memory files change'),
  watchDebounceMs: z.number().int().min(0).max(600_000).default(1500),
  autoRecall: z
    .boolean()
    .default(false)
    .describe("Add the top memories for the user's message to each turn before the first LLM call"),
  autoRecallResults: z.number().int().min(1).max(20).default(3),
  chunking: chunkingSchema.default(chunkingSchema.parse({})),
  embeddings: embeddingsSchema.default(embeddingsSchema.parse({})),
  search: searchSchema.default(searchSchema.parse({})),
});

/** memory.* after defaults. */
export type MemoryConfig = z.output<typeof memorySchema>;
