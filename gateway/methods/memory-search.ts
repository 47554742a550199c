import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { requireAgent, sessionKeyOf } from './deps.js';
import { defineMethod } from './types.js';

const memorySearchParams = z.object({
  query: z.string().min(1),
  maxResults: z.number().int().min(1).max(50).optional(),
  minScore: z.number().min(0).max(1).optional(),
  /** Whose workspace to search (default the main session's). */
  sessionKey: z.string().min(1).optional(),
});

const memorySearchResult = z.object({
  query: z.string(),
  results: z.array(
    z.object({
      path: z.string(),
      startLine: z.number(),
      endLine: z.number(),
      headings: z.string(),
      snippet: z.string(),
      score: z.number(),
      foundBy: z.array(z.enum(['vector', 'text'])),
      similarity: z.number().optional(),
    }),
  ),
});

/**
 * `memory.search`: the memory_search tool run as its activity on the host that owns the
 * session's workspace (the memory lives there), outside any conversation.
 */
export const memorySearchMethod = defineMethod({
  method: 'memory.search',
  params: memorySearchParams,
  result: memorySearchResult,
  async handler(params, context) {
    const agent = requireAgent(context);
    const { sessionKey, ...args } = params;
    const result = await agent.invokeTool(
      'memory_search',
      args,
      sessionKeyOf(context, sessionKey ?? 'main'),
    );
    if (!result.found || result.isError) {
      throw new ClawdbotError(
        'UNAVAILABLE',
        result.found ? result.text : 'memory_search is not available',
      );
    }
    return memorySearchResult.parse(JSON.parse(result.text));
  },
});
