import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  bundleWorkflowCode,
  type BundlerPlugin,
  type WorkflowBundle,
  type WorkflowBundlePath,
} from '@temporalio/worker';
import type { Logger } from '../../core/logger.js';
import { packageRoot } from '../../core/paths.js';

const workflowsDir = join(packageRoot, 'workflows');
const cacheDir =
  process.env.CLAWDBOT_CACHE_DIR ?? join(packageRoot, 'node_modules', '.cache', 'clawdbot');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(
      (entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'),
    )
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** A hash of everything that goes into the bundle: workflow sources and the SDK version. */
function bundleKey(plugins: readonly BundlerPlugin[]): string {
  const hash = createHash('sha256');
  const sdk = JSON.parse(
    readFileSync(
      join(packageRoot, 'node_modules', '@temporalio', 'workflow', 'package.json'),
      'utf8',
    ),
  ) as { version: string };
  hash.update(sdk.version);
  // How the cached file is written (see withoutSourcesContent): a change rebuilds old caches.
  hash.update('format:2');
  // Plugins' workflow interceptor modules are part of the bundle: their sources count too.
  for (const plugin of plugins) {
    hash.update(`plugin:${plugin.name}`);
    const added = plugin.configureBundler?.({ workflowsPath: '' }).workflowInterceptorModules;
    for (const module of added ?? []) {
      hash.update(module);
      try {
        hash.update(readFileSync(module));
      } catch {
        // a package module (resolved by name): the SDK version above covers it
      }
    }
  }
  for (const file of sourceFiles(workflowsDir)) hash.update(file).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The bundle's code with every non-ASCII character written as a `\uXXXX` escape. V8 keeps a
 * string with even one character above U+00FF at two bytes per character, and this one
 * (~2 MB, most of it the inline source map) lives in the workflow thread for the whole run:
 * a few dashes and arrows in comments would double it. In comments, string literals,
 * regular expressions and identifiers the escape means the same character; only a raw
 * template string (String.raw) would see the difference, and workflow code uses none.
 */
function asciiOnly(code: string): string {
  return code.replace(
    /[\u0080-\uffff]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The bundle's code with its inline source map kept but the sources' text taken out of it.
 * The map's `mappings` turn workflow stack traces back into file, line and column; its
 * `sourcesContent` (a third of the file) is read only to answer the enhanced stack trace
 * query with source text when the worker has `showStackTraceSources`, which ours leaves off.
 * The code is held in the workflow thread for the whole run, in a few copies (the string the
 * worker reads and re-encodes, the one it sends to the thread, the compiled script's source,
 * the parsed map): each copy is ~0.9 MB smaller without it.
 */
export function withoutSourcesContent(code: string): string {
  // Found as the SDK finds it when it loads the bundle (extractSourceMap in its worker.js).
  const comment = code.lastIndexOf('//# sourceMappingURL=data:');
  const data = comment < 0 ? -1 : code.indexOf('base64,', comment);
  if (data < 0) return code;
  const start = data + 'base64,'.length;
  const map = JSON.parse(Buffer.from(code.slice(start).trimEnd(), 'base64').toString('utf8')) as {
    sourcesContent?: unknown;
  };
  if (map.sourcesContent === undefined) return code;
  delete map.sourcesContent;
  return `${code.slice(0, start)}${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}

/**
 * The workflow bundle for the worker, as the path of its code (the code itself when the
 * cache directory cannot be written). Bundling takes seconds, so
 * the result is cached on disk keyed by a hash of the workflow sources; workflows may import
 * only `@temporalio/workflow` and types, so those files are all the bundle depends on.
 *
 * A path rather than the code: the worker keeps its options for its lifetime, so code
 * passed in would stay on the main thread (~2 MB) after the workflow thread has its copy.
 */
export async function loadWorkflowBundle(
  logger: Logger,
  plugins: readonly BundlerPlugin[] = [],
): Promise<WorkflowBundlePath | WorkflowBundle> {
  const key = bundleKey(plugins);
  const codePath = join(cacheDir, `workflows-${key}.js`);
  if (existsSync(codePath)) return { codePath };
  const started = Date.now();
  const bundle = await bundleWorkflowCode({
    workflowsPath: join(workflowsDir, 'index.ts'),
    ...(plugins.length > 0 ? { plugins: [...plugins] } : {}),
    logger: {
      trace() {},
      debug() {},
      info() {},
      log() {},
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
    },
  });
  logger.info(`bundled workflows in ${Date.now() - started} ms`);
  const code = withoutSourcesContent(asciiOnly(bundle.code));
  try {
    // Written whole under a temporary name first, so a concurrent start never reads half a file.
    mkdirSync(cacheDir, { recursive: true });
    const temp = `${codePath}.${process.pid}.tmp`;
    writeFileSync(temp, code);
    renameSync(temp, codePath);
    return { codePath };
  } catch (error) {
    logger.debug(`workflow bundle not cached: ${(error as Error).message}`);
    return { code };
  }
}
