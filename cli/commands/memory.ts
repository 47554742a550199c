import { createMemoryService, type MemoryService } from '../../activities/memory/service.js';
import { commandContext, type RuntimeFlags } from '../context.js';

type Write = (text: string) => void;
const stdout: Write = (text) => process.stdout.write(text);

/** Flags of the memory commands. */
export interface MemoryFlags extends Pick<RuntimeFlags, 'stateDir'> {
  json?: boolean;
}

async function withMemory<T>(
  flags: MemoryFlags,
  write: Write,
  run: (memory: MemoryService) => Promise<T>,
): Promise<T> {
  const { config, paths } = commandContext(flags);
  const memory = createMemoryService({
    config,
    stateDir: paths.stateDir,
    workspaceDir: paths.workspaceDir,
    storeDir: paths.memoryDir,
    // Download progress goes to stderr so --json output stays parseable.
    log: (line) => (flags.json ? process.stderr.write(`${line}\n`) : write(`${line}\n`)),
  });
  try {
    return await run(memory);
  } finally {
    await memory.close();
  }
}

/** `clawdbot memory status [--json]`: what is indexed, with which model. */
export async function runMemoryStatus(flags: MemoryFlags, write: Write = stdout): Promise<number> {
  return withMemory(flags, write, async (memory) => {
    const status = await memory.status();
    if (flags.json) {
      write(`${JSON.stringify(status, null, 2)}\n`);
      return 0;
    }
    write(
      [
        `memory: ${status.enabled ? 'enabled' : 'disabled'}, provider ${status.provider}`,
        status.table
          ? `index: ${status.chunks} chunks from ${status.indexedFiles} of ${status.files} files, ` +
            `model ${status.indexedWith} (${status.dims} dimensions)` +
            (status.annIndex ? ', ANN index' : '')
          : `index: empty (${status.files} memory files; run \`clawdbot memory index\`)`,
        `store: ${status.storeDir}`,
      ].join('\n') + '\n',
    );
    return 0;
  });
}

/** `clawdbot memory index [--json]`: index now, showing progress. */
export async function runMemoryIndex(flags: MemoryFlags, write: Write = stdout): Promise<number> {
  return withMemory(flags, write, async (memory) => {
    let lastLine = 0;
    const report = await memory.index({
      onProgress: (progress) => {
        if (flags.json || Date.now() - lastLine < 1000) return;
        lastLine = Date.now();
        write(
          `indexing: ${progress.filesDone}/${progress.files} files, ${progress.chunks} chunks ` +
            `(${progress.embedded} embedded), ${progress.chunksPerSecond} chunks/s\n`,
        );
      },
    });
    if (flags.json) {
      write(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    write(
      `indexed ${report.files} files: ${report.changedFiles} changed, ${report.removedFiles} removed, ` +
        `${report.embedded} chunks embedded, ${report.totalChunks} in the index ` +
        `(${report.chunksPerSecond} chunks/s, ${(report.durationMs / 1000).toFixed(1)} s)` +
        (report.switched ? `; now searching ${report.table}` : '') +
        '\n',
    );
    return 0;
  });
}

/** `clawdbot memory search <query> [--json]`. */
export async function runMemorySearch(
  query: string,
  flags: MemoryFlags & { max?: string },
  write: Write = stdout,
): Promise<number> {
  return withMemory(flags, write, async (memory) => {
    const maxResults = flags.max !== undefined ? Number(flags.max) : undefined;
    const results = await memory.search(query, maxResults ? { maxResults } : {});
    if (flags.json) {
      write(`${JSON.stringify({ query, results }, null, 2)}\n`);
      return 0;
    }
    if (results.length === 0) write('No memories match.\n');
    for (const result of results) {
      write(
        `${result.path}:${result.startLine}-${result.endLine}  score ${result.score} ` +
          `(${result.foundBy.join('+')})\n  ${result.snippet.replace(/\s+/g, ' ').slice(0, 200)}\n`,
      );
    }
    return 0;
  });
}
