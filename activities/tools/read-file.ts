import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { BINARY_SNIFF_BYTES, fileToolError, looksBinary, statRegularFile } from './file-io.js';
import { defineTool, ToolError } from './tool.js';
import { resolveReadablePath } from './readable-path.js';

const DEFAULT_LIMIT = 2000;
const MAX_BYTES = 256 * 1024;

const inputSchema = z.object({
  path: z
    .string()
    .min(1)
    .describe('Path of the file, relative to the workspace (absolute paths must be inside it).'),
  offset: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Line number to start at, 1-based (default 1). Use it to continue a cut-off read.'),
  limit: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(`Maximum number of lines to return (default ${DEFAULT_LIMIT}).`),
});

async function assertText(file: string, path: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(
      Buffer.alloc(BINARY_SNIFF_BYTES),
      0,
      BINARY_SNIFF_BYTES,
      0,
    );
    if (looksBinary(buffer.subarray(0, bytesRead))) {
      throw new ToolError('BINARY_FILE', `${path} is a binary file; read_file only reads text.`, {
        path,
      });
    }
  } finally {
    await handle.close();
  }
}

interface Slice {
  lines: string[];
  /** Lines in the file, when the whole file was read. */
  totalLines?: number;
  cut?: 'lines' | 'bytes' | 'long-line';
}

/** Stream the file line by line, so a huge log costs only the lines returned. */
async function readLines(
  file: string,
  start: number,
  limit: number,
  signal: AbortSignal,
): Promise<Slice> {
  const stream = createReadStream(file, { signal });
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  const lines: string[] = [];
  let lineNumber = 0;
  let bytes = 0;
  try {
    for await (const line of reader) {
      lineNumber += 1;
      if (lineNumber < start) continue;
      if (lines.length === limit) return { lines, cut: 'lines' };
      const size = Buffer.byteLength(line) + 1;
      if (bytes + size > MAX_BYTES) {
        if (lines.length > 0) return { lines, cut: 'bytes' };
        lines.push(Buffer.from(line).subarray(0, MAX_BYTES).toString('utf8'));
        return { lines, cut: 'long-line' };
      }
      lines.push(line);
      bytes += size;
    }
    return { lines, totalLines: lineNumber };
  } finally {
    reader.close();
    stream.destroy();
  }
}

function note(slice: Slice, start: number): string {
  const end = start + slice.lines.length - 1;
  switch (slice.cut) {
    case undefined:
      return '';
    case 'lines':
      return `\n\n[Showing lines ${start}-${end}; more follow. Use offset=${end + 1} to continue.]`;
    case 'bytes':
      return `\n\n[Output capped at ${MAX_BYTES / 1024} KiB: showing lines ${start}-${end}. Use offset=${end + 1} to continue.]`;
    case 'long-line':
      return (
        `\n\n[Line ${start} is longer than ${MAX_BYTES / 1024} KiB and was cut; read it in pieces ` +
        `with bash (e.g. cut -c or head -c). Use offset=${start + 1} for the next line.]`
      );
  }
}

/** Read a text file from the workspace, a window of lines at a time. */
export const readFileTool = defineTool({
  name: 'read_file',
  description:
    'Read a text file from the workspace (or a skill file listed in the system prompt, by its absolute path). Returns the content as plain text (no line numbers). ' +
    `Reads at most ${DEFAULT_LIMIT} lines or ${MAX_BYTES / 1024} KiB at a time; when the file is ` +
    'longer, a note at the end says which offset to use to read on. Binary files are refused.',
  inputSchema,
  policy: {
    startToCloseTimeoutMs: 30_000,
    maximumAttempts: 3,
    idempotent: true,
    hostBound: true,
    local: true,
  },
  async execute(input, context) {
    const start = input.offset ?? 1;
    const file = await resolveReadablePath(
      context.workspaceDir,
      input.path,
      context.skills?.readableDirs() ?? [],
    );
    let slice: Slice;
    try {
      await statRegularFile(file, input.path);
      await assertText(file, input.path);
      slice = await readLines(file, start, input.limit ?? DEFAULT_LIMIT, context.signal);
    } catch (error) {
      throw fileToolError(error, input.path);
    }
    if (slice.lines.length === 0 && start > 1) {
      throw new ToolError(
        'OFFSET_OUT_OF_RANGE',
        `offset ${start} is past the end of ${input.path} (${slice.totalLines ?? 0} lines).`,
        { path: input.path, totalLines: slice.totalLines },
      );
    }
    const end = start + slice.lines.length - 1;
    const body = slice.lines.join('\n');
    // The Anthropic API rejects blank text blocks, so an empty read is said in words.
    const text =
      body.trim() !== ''
        ? body + note(slice, start)
        : slice.lines.length === 0
          ? '(empty file)'
          : `(lines ${start}-${end} hold only whitespace)`;
    return {
      text,
      details: {
        path: input.path,
        startLine: start,
        endLine: end,
        truncated: slice.cut !== undefined,
      },
    };
  },
});
