import { z } from 'zod';
import { MemoryError } from '../memory/errors.js';
import { defineTool, ToolError } from './tool.js';

const inputSchema = z.object({
  path: z
    .string()
    .min(1)
    .describe('A memory file, as memory_search returned it: MEMORY.md or memory/<name>.md.'),
  from: z.number().int().min(1).optional().describe('First line to read, 1-based (default 1).'),
  lines: z
    .number()
    .int()
    .min(1)
    .max(2000)
    .optional()
    .describe('How many lines to read (default 200).'),
});

/** Read lines of a memory file; nothing outside the memory files. */
export const memoryGetTool = defineTool({
  name: 'memory_get',
  description:
    'Read lines of a memory file (MEMORY.md, memory/*.md), e.g. around a memory_search hit. ' +
    'Only memory files can be read with it; use read_file for anything else.',
  inputSchema,
  policy: { startToCloseTimeoutMs: 30_000, maximumAttempts: 3, idempotent: true, hostBound: true },
  async execute(input, context) {
    if (!context.memory) {
      throw new ToolError('UNAVAILABLE', 'Memory is not available in this worker.');
    }
    try {
      const window = await context.memory.get(input.path, input.from, input.lines);
      const more =
        window.to < window.totalLines
          ? `\n\n[Lines ${window.from}-${window.to} of ${window.totalLines}; use from=${window.to + 1} to read on.]`
          : '';
      return {
        text: (window.text.trim() === '' ? '(no text on these lines)' : window.text) + more,
        details: { path: window.path, from: window.from, to: window.to },
      };
    } catch (error) {
      if (error instanceof MemoryError && error.code === 'PATH_OUTSIDE_MEMORY') {
        throw new ToolError('PATH_OUTSIDE_MEMORY', error.message, { path: input.path });
      }
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ToolError('FILE_NOT_FOUND', `${input.path} does not exist.`, {
          path: input.path,
        });
      }
      throw error;
    }
  },
});
