import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bundleWorkflowCode,
  type BundlerPlugin,
  type WorkflowBundleWithSourceMap,
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
 * The workflow bundle for the worker. Bundling takes seconds, so the result is cached on
 * disk keyed by a hash of the workflow sources; workflows may import only
 * `@temporalio/workflow` and types, so those files are all the bundle depends on.
 */
export async function loadWorkflowBundle(
  logger: Logger,
  plugins: readonly BundlerPlugin[] = [],
): Promise<WorkflowBundleWithSourceMap> {
  const key = bundleKey(plugins);
  const file = join(cacheDir, `workflows-${key}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as WorkflowBundleWithSourceMap;
  } catch {
    // not cached yet
  }
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
  try {
    mkdirSync(cacheDir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(bundle));
    renameSync(temp, file);
  } catch (error) {
    logger.debug(`workflow bundle not cached: ${(error as Error).message}`);
  }
  return bundle;
}
