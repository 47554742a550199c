import { lstat, readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { fileToolError, looksBinary } from './file-io.js';
import { commitChanges, type FileChange } from './patch-commit.js';
import { applyHunks, hunksApplied } from './patch-hunks.js';
import { parsePatch, type FilePatch } from './patch-parse.js';
import { defineTool, ToolError, type ToolResult } from './tool.js';
import { resolveWorkspacePath } from './workspace-path.js';

/** Files are patched in memory; beyond this, write_file or bash fit better. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

const inputSchema = z.object({
  patch: z
    .string()
    .min(1)
    .describe(
      'The patch, from "*** Begin Patch" to "*** End Patch" (or a unified diff). Paths are ' +
        'relative to the workspace.',
    ),
});

/** What changed, one line per file in the result: A(dded), M(odified), D(eleted), R(enamed). */
interface Summary {
  op: 'A' | 'M' | 'D' | 'R';
  path: string;
  to?: string;
}

/** The file's text, or undefined when it does not exist. Only UTF-8 text is patched. */
async function readState(file: string, path: string) {
  let stats;
  try {
    stats = await stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { content: undefined, mode: undefined };
    throw fileToolError(error, path);
  }
  if (!stats.isFile())
    throw new ToolError('NOT_A_FILE', `${path} is not a regular file.`, { path });
  if (stats.size > MAX_FILE_BYTES) {
    const message = `${path} is ${stats.size} bytes; apply_patch handles files up to ${MAX_FILE_BYTES}.`;
    throw new ToolError('FILE_TOO_LARGE', message, { path, size: stats.size });
  }
  const bytes = await readFile(file).catch((error: unknown) => {
    throw fileToolError(error, path);
  });
  try {
    if (looksBinary(bytes)) throw new Error('binary');
    // Fatal decoding: text that would not survive a round trip through a string is refused.
    const content = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return { content, mode: stats.mode & 0o7777 };
  } catch {
    throw new ToolError('BINARY_FILE', `${path} is binary or not UTF-8 text.`, { path });
  }
}

/** Every file the patch names, resolved (escapes refused) and read before anything is planned. */
async function loadFiles(workspaceDir: string, patches: FilePatch[]) {
  const byPath = new Map<string, FileChange>();
  const byFile = new Map<string, FileChange>();
  for (const patch of patches) {
    const paths =
      patch.kind === 'update' && patch.moveTo !== undefined
        ? [patch.path, patch.moveTo]
        : [patch.path];
    for (const path of paths) {
      const file = await resolveWorkspacePath(workspaceDir, path);
      let planned = byFile.get(file);
      if (planned === undefined) {
        const { content, mode } = await readState(file, path);
        planned = { file, path, before: content, after: content, mode };
        byFile.set(file, planned);
      }
      byPath.set(path, planned);
    }
  }
  return { get: (path: string) => byPath.get(path)!, files: [...byFile.values()] };
}

type LoadedFiles = Awaited<ReturnType<typeof loadFiles>>;

/** Deleting (or moving away) a symbolic link would delete what it points to instead. */
async function refuseSymlink(workspaceDir: string, path: string): Promise<void> {
  const stats = await lstat(resolve(workspaceDir, path)).catch(() => undefined);
  if (stats?.isSymbolicLink()) {
    const message = `${path} is a symbolic link; apply_patch does not delete or move links (use bash).`;
    throw new ToolError('NOT_A_FILE', message, { path });
  }
}

function isApplied(patch: FilePatch, files: LoadedFiles): boolean {
  switch (patch.kind) {
    case 'add':
      return files.get(patch.path).before === patch.content;
    case 'delete':
      return files.get(patch.path).before === undefined;
    case 'update': {
      const source = files.get(patch.path);
      const target = patch.moveTo !== undefined ? files.get(patch.moveTo) : source;
      if (target !== source && source.before !== undefined) return false;
      return target.before !== undefined && hunksApplied(target.before, patch.hunks);
    }
  }
}

function exists(path: string): ToolError {
  const message = `${path} already exists; use "*** Update File: ${path}" to change it, or delete it first.`;
  return new ToolError('FILE_EXISTS', message, { path });
}

function missing(path: string, what: string): ToolError {
  return new ToolError('FILE_NOT_FOUND', `Cannot ${what} ${path}: it does not exist.`, { path });
}

/** Change the loaded files in memory, one patch operation at a time; throws on the first misfit. */
function planOne(patch: FilePatch, files: LoadedFiles): Summary {
  const planned = files.get(patch.path);
  switch (patch.kind) {
    case 'add':
      if (planned.after !== undefined && planned.after !== patch.content) throw exists(patch.path);
      planned.after = patch.content;
      return { op: 'A', path: patch.path };
    case 'delete':
      if (planned.after === undefined) throw missing(patch.path, 'delete');
      planned.after = undefined;
      return { op: 'D', path: patch.path };
    case 'update': {
      if (planned.after === undefined) throw missing(patch.path, 'update');
      const result = applyHunks(planned.after, patch.hunks);
      if (typeof result !== 'string') {
        const { hunk, reason } = result;
        const firstLine = hunk.anchor ?? hunk.oldLines[0] ?? '';
        throw new ToolError(
          'PATCH_CONFLICT',
          `Hunk ${hunk.number} of ${patch.path} (patch line ${hunk.patchLine}, first line ` +
            `${JSON.stringify(firstLine)}) does not apply: ${reason}. Nothing was changed. Read ` +
            `${patch.path} again and copy its context lines exactly.`,
          { path: patch.path, hunk: hunk.number, patchLine: hunk.patchLine, firstLine },
        );
      }
      const target = patch.moveTo !== undefined ? files.get(patch.moveTo) : planned;
      if (target === planned) {
        planned.after = result;
        return { op: 'M', path: patch.path };
      }
      if (target.after !== undefined) throw exists(patch.moveTo!);
      target.after = result;
      planned.after = undefined;
      return { op: 'R', path: patch.path, to: patch.moveTo! };
    }
  }
}

function summaryText(summary: Summary[]): string {
  const lines = summary.map(({ op, path, to }) =>
    to !== undefined ? `${op} ${path} -> ${to}` : `${op} ${path}`,
  );
  const count = summary.length;
  return `Applied the patch (${count} file${count === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** Apply a multi-file patch to the workspace: every hunk fits and every file is written, or nothing is. */
export const applyPatchTool = defineTool({
  name: 'apply_patch',
  description: [
    'Add, change, move or delete files in the workspace with one patch, all or nothing: if any',
    'hunk does not match, no file is written. Format:',
    '*** Begin Patch',
    '*** Add File: docs/new.md',
    '+every line of the new file, each prefixed with +',
    '*** Update File: src/app.py',
    '*** Move to: src/main.py   (optional: rename the file)',
    '@@ def greet():   (optional: a line above the change, to find the right place)',
    ' an unchanged context line (prefixed with a space)',
    '-a removed line',
    '+an added line',
    '*** Delete File: old.txt',
    '*** End Patch',
    'Give about 3 context lines before and after each change, copied exactly; hunks of a file',
    'go in file order. A unified diff (--- a/x, +++ b/x, @@ -1,3 +1,4 @@) is accepted too.',
  ].join('\n'),
  inputSchema,
  policy: { startToCloseTimeoutMs: 60_000, maximumAttempts: 3, idempotent: true, hostBound: true },
  async execute(input, context): Promise<ToolResult> {
    const patches = parsePatch(input.patch);
    const files = await loadFiles(context.workspaceDir, patches);
    // A retry after a successful apply (the worker died before reporting) must not fail.
    if (patches.every((patch) => isApplied(patch, files))) {
      return {
        text: 'Nothing to do: the patch is already applied (every change is already in the files).',
        details: { alreadyApplied: true, files: [] },
      };
    }
    for (const patch of patches) {
      if (patch.kind === 'delete' || (patch.kind === 'update' && patch.moveTo !== undefined)) {
        await refuseSymlink(context.workspaceDir, patch.path);
      }
    }
    const summary = patches.map((patch) => planOne(patch, files));
    if (context.signal.aborted) {
      return {
        text: '[Aborted before writing: nothing was changed.]',
        isError: true,
        details: { aborted: true },
      };
    }
    await commitChanges(files.files.filter((file) => file.after !== file.before));
    return { text: summaryText(summary), details: { alreadyApplied: false, files: summary } };
  },
});
