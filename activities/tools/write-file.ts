import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { atomicWriteFile, fileToolError } from './file-io.js';
import { defineTool, ToolError } from './tool.js';
import { resolveWorkspacePath } from './workspace-path.js';

const inputSchema = z.object({
  path: z
    .string()
    .min(1)
    .describe('Path of the file, relative to the workspace (absolute paths must be inside it).'),
  content: z.string().describe('The complete new content of the file.'),
});

/** Create or overwrite a whole file in the workspace. */
export const writeFileTool = defineTool({
  name: 'write_file',
  description:
    'Create a file in the workspace, or overwrite it entirely, with the given content. ' +
    'Missing parent directories are created. To change part of an existing file, use edit_file.',
  inputSchema,
  policy: {
    startToCloseTimeoutMs: 30_000,
    maximumAttempts: 3,
    idempotent: true,
    hostBound: true,
    local: true,
  },
  async execute(input, context) {
    const file = await resolveWorkspacePath(context.workspaceDir, input.path);
    try {
      const existing = await stat(file).catch(() => undefined);
      if (existing !== undefined && !existing.isFile()) {
        throw new ToolError('NOT_A_FILE', `${input.path} exists and is not a regular file.`, {
          path: input.path,
        });
      }
      await mkdir(dirname(file), { recursive: true });
      await atomicWriteFile(file, input.content);
    } catch (error) {
      throw fileToolError(error, input.path);
    }
    const bytes = Buffer.byteLength(input.content, 'utf8');
    // The same text whether the file was created or overwritten, so a retry reads the same.
    return { text: `Wrote ${bytes} bytes to ${input.path}.`, details: { path: input.path, bytes } };
  },
});
