import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDendrite, type DendriteHandle, type DendriteInfo } from '../helpers/dendrite.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The one Dendrite of the test run; undefined when the run has no Matrix test. */
    dendrite: DendriteInfo | undefined;
  }
}

let server: DendriteHandle | undefined;
let dir: string | undefined;

/**
 * Whether this run includes Matrix tests: a whole-suite run (no file filters), or a filter
 * naming matrix. Engineers running one unrelated file on a busy machine do not wait for a
 * homeserver they never talk to.
 */
function runIncludesMatrix(argv: readonly string[]): boolean {
  const runAt = argv.findIndex((arg) => arg === 'run' || arg.endsWith('vitest.mjs'));
  const filters = argv.slice(runAt + 1).filter((arg) => !arg.startsWith('-') && arg !== 'run');
  return filters.length === 0 || filters.some((filter) => filter.toLowerCase().includes('matrix'));
}

/** One real Dendrite per test run, on a free port with SQLite in a temp dir. */
export async function setup(project: TestProject): Promise<void> {
  if (!runIncludesMatrix(process.argv)) {
    project.provide('dendrite', undefined);
    return;
  }
  dir = mkdtempSync(join(tmpdir(), 'clawdbot-test-dendrite-'));
  server = await startDendrite(dir);
  project.provide('dendrite', {
    url: server.url,
    serverName: server.serverName,
    configPath: server.configPath,
  });
}

/** Stop the homeserver and remove its files. */
export async function teardown(): Promise<void> {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
