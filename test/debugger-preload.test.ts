import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';

// patches/temporalio-worker-debugger-preload.mjs: the SDK used to compile and run the whole
// workflow bundle on the main thread at every worker start, only so that a debugger finds
// breakpoints sooner. It now does so only when a debugger can attach (the inspector is
// open). The bundle below records, outside its sandbox, that it was run.

const bundle = [
  "this.constructor.constructor('return process')().__bundlePreloaded = true;",
  // Split so that no tool reading this file takes the line for this file's own source map.
  `//${'#'} sourceMappingURL=data:application/json;base64,${Buffer.from(
    JSON.stringify({ version: 3, file: 'bundle.js', sources: [], names: [], mappings: '' }),
  ).toString('base64')}`,
].join('\n');

/** Whether parseWorkflowCode ran the bundle, in a fresh node with these flags. */
function preloaded(flags: string[]): boolean {
  const script = `
    const { parseWorkflowCode } = require('@temporalio/worker/lib/worker.js');
    const parsed = parseWorkflowCode(${JSON.stringify(bundle)});
    if (!parsed.code.includes('__bundlePreloaded') || parsed.sourceMap.version !== 3)
      throw new Error('the bundle was not parsed');
    process.stdout.write(String(process.__bundlePreloaded === true));
    process.exit(0);`;
  const output = execFileSync(process.execPath, [...flags, '-e', script], {
    cwd: packageRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return output === 'true';
}

describe('the workflow bundle preload', () => {
  it('is skipped when no debugger can attach', () => {
    expect(preloaded([])).toBe(false);
  });

  it('still runs for a process started with --inspect', () => {
    expect(preloaded(['--inspect=127.0.0.1:0'])).toBe(true);
  });
});
