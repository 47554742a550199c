import { z } from 'zod';
import { MemoryError } from '../memory/errors.js';
import { defineTool, ToolError } from './tool.js';

const inputSchema = z.object({
  query: z
    .string()
    .min(1)
    .describe('What to look for, in words: a question, a name, a topic, or an exact rare term.'),
  maxResults: z
    .number()
    .int()
    .min(1)
    .max(50)
    .optional()
    .describe('How many snippets to return at most (default memory.search.maxResults, 6).'),
  minScore: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Leave out results scoring below this, 0..1 (default 0).'),
});

/** Search long-term memory (MEMORY.md, memory/*.md) by meaning and by exact words. */
export const memorySearchTool = defineTool({
  name: 'memory_search',
  description:
    'Search your long-term memory (MEMORY.md and memory/*.md in the workspace) by meaning and ' +
    'by exact words. Use it before answering about prior work, people, preferences, dates or ' +
    'decisions. Returns JSON: results with path, startLine, endLine, score (0..1), foundBy ' +
    '(vector, text) and a snippet; read more of a file with memory_get.',
  inputSchema,
  policy: {
    // The first call may load the local model (or download it): give it time.
    startToCloseTimeoutMs: 120_000,
    maximumAttempts: 3,
    idempotent: true,
    hostBound: true,
  },
  async execute(input, context) {
    if (!context.memory) {
      throw new ToolError('UNAVAILABLE', 'Memory is not available in this worker.');
    }
    try {
      const results = await context.memory.search(input.query, {
        ...(input.maxResults !== undefined ? { maxResults: input.maxResults } : {}),
        ...(input.minScore !== undefined ? { minScore: input.minScore } : {}),
      });
      return {
        text: JSON.stringify({ query: input.query, results }, null, 1),
        details: { count: results.length },
      };
    } catch (error) {
      if (error instanceof MemoryError && !error.retryable) {
        throw new ToolError('UNAVAILABLE', `memory_search failed: ${error.message}`);
      }
      throw error;
    }
  },
});
