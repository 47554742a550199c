import { z } from 'zod';
import { atomicWriteFile, fileToolError, readTextFile } from './file-io.js';
import { defineTool, ToolError, type ToolResult } from './tool.js';
import { resolveWorkspacePath } from './workspace-path.js';

/** Files are edited in memory; beyond this, write_file or bash fit better. */
const MAX_EDIT_BYTES = 10 * 1024 * 1024;

const inputSchema = z.object({
  path: z
    .string()
    .min(1)
    .describe('Path of the file, relative to the workspace (absolute paths must be inside it).'),
  oldText: z
    .string()
    .min(1)
    .describe(
      'Text to replace. Must match the file exactly, including whitespace and indentation.',
    ),
  newText: z.string().describe('Text to put in its place (empty to delete oldText).'),
  replaceAll: z
    .boolean()
    .optional()
    .describe('Replace every occurrence of oldText (default false: it must occur exactly once).'),
});

/** Start offsets of the non-overlapping occurrences of `needle`, left to right. */
function occurrences(haystack: string, needle: string): number[] {
  const found: number[] = [];
  for (
    let at = haystack.indexOf(needle);
    at !== -1;
    at = haystack.indexOf(needle, at + needle.length)
  ) {
    found.push(at);
  }
  return found;
}

/**
 * Whether the oldText found at `at` is part of a newText already in place — what a retry
 * of a successful edit sees when newText contains oldText (e.g. old "f(a)" → new "f(a, b)").
 */
function insideNewText(content: string, at: number, oldText: string, newText: string): boolean {
  return occurrences(newText, oldText).some(
    (offset) => at - offset >= 0 && content.startsWith(newText, at - offset),
  );
}

function alreadyApplied(path: string): ToolResult {
  return {
    text:
      `No change: ${path} already contains newText in place of oldText (the edit looks already ` +
      'applied). To apply it again, include more surrounding context in oldText.',
    details: { path, replacements: 0, alreadyApplied: true },
  };
}

/** Replace an exact piece of text in an existing workspace file. */
export const editFileTool = defineTool({
  name: 'edit_file',
  description:
    'Replace an exact piece of text in an existing file. oldText must match the file ' +
    'character for character and, unless replaceAll is true, occur exactly once: include ' +
    'enough surrounding lines to make it unique. Read the file first.',
  inputSchema,
  policy: {
    startToCloseTimeoutMs: 30_000,
    maximumAttempts: 3,
    idempotent: true,
    hostBound: true,
    local: true,
  },
  async execute(input, context) {
    const { path } = input;
    const file = await resolveWorkspacePath(context.workspaceDir, path);
    let content: string;
    try {
      content = await readTextFile(file, path, MAX_EDIT_BYTES);
    } catch (error) {
      throw fileToolError(error, path);
    }
    let { oldText, newText } = input;
    // read_file shows CRLF files with bare \n line ends, so that is what the model sends back.
    if (!content.includes(oldText) && content.includes('\r\n') && !oldText.includes('\r')) {
      oldText = oldText.replaceAll('\n', '\r\n');
      newText = newText.replaceAll('\n', '\r\n');
    }
    const found = occurrences(content, oldText);
    if (found.length === 0) {
      // A retry after a successful attempt lands here; deletions (empty newText) cannot be told apart.
      if (newText !== '' && content.includes(newText)) return alreadyApplied(path);
      throw new ToolError('TEXT_NOT_FOUND', `oldText not found in ${path}.`, { path });
    }
    if (
      newText.includes(oldText) &&
      found.every((at) => insideNewText(content, at, oldText, newText))
    ) {
      return alreadyApplied(path);
    }
    if (found.length > 1 && input.replaceAll !== true) {
      throw new ToolError(
        'TEXT_AMBIGUOUS',
        `oldText occurs ${found.length} times in ${path}; add context or set replaceAll.`,
        { path, occurrences: found.length },
      );
    }
    // Slicing, not String.replace: newText may contain `$&` and friends.
    const updated =
      input.replaceAll === true
        ? content.split(oldText).join(newText)
        : replaceAt(content, found[0]!, oldText, newText);
    try {
      await atomicWriteFile(file, updated);
    } catch (error) {
      throw fileToolError(error, path);
    }
    const count = input.replaceAll === true ? found.length : 1;
    return {
      text: `Replaced ${count} occurrence${count === 1 ? '' : 's'} in ${path}.`,
      details: { path, replacements: count },
    };
  },
});

function replaceAt(content: string, at: number, oldText: string, newText: string): string {
  return content.slice(0, at) + newText + content.slice(at + oldText.length);
}
