import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compiledIntoDist } from '../dist-build.js';
import { packageRoot } from '../paths.js';

/**
 * The compiled copy of a bundled plugin's entry, when ClawdBot runs from dist/. Bundled
 * plugins import our own modules (ChannelSendError, defineTool, ...): from their sources
 * they would get second copies of them, and `instanceof` checks in dist's code would fail.
 * scripts/build-dist.mjs compiles them beside cli/main.ts, sharing its chunks, and lists
 * them in dist/plugin-entries.json (source path relative to the repo → file in dist/).
 */
function compiledEntry(entryPath: string): string | undefined {
  if (!compiledIntoDist) return undefined;
  try {
    const entries = JSON.parse(
      readFileSync(join(packageRoot, 'dist', 'plugin-entries.json'), 'utf8'),
    ) as Record<string, string>;
    const compiled = entries[relative(packageRoot, entryPath)];
    return compiled === undefined ? undefined : join(packageRoot, 'dist', compiled);
  } catch {
    return undefined;
  }
}

/**
 * Import a plugin's entry file. Plugins ship TypeScript (`index.ts`): under tsx (ClawdBot
 * run from its sources) that just works. ClawdBot run from dist/ imports a bundled plugin's
 * compiled copy, and for any other plugin registers tsx's loader, which it needs only here,
 * on the first .ts entry Node refuses. Node remembers a failed import by URL: the retry asks
 * for the same file under a new URL (a query string), which loads it through tsx.
 */
export async function importPluginEntry(entryPath: string): Promise<unknown> {
  const compiled = compiledEntry(entryPath);
  if (compiled !== undefined) return (await import(pathToFileURL(compiled).href)) as unknown;
  const url = pathToFileURL(entryPath).href;
  try {
    return (await import(url)) as unknown;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    if (!/\.[cm]?ts$/.test(entryPath)) throw error;
    const { register } = await import('tsx/esm/api');
    register();
    return (await import(`${url}?typescript`)) as unknown;
  }
}
