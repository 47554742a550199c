import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { requireTemporalBinary } from '../../cli/runtime/temporal-binary.js';
import { startDevServer, type DevServerHandle } from '../../cli/runtime/temporal-dev-server.js';
import { createLogger } from '../../core/logger.js';
import { freePort } from '../../core/net.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** host:port of the one Temporal dev server shared by the whole test run. */
    temporalAddress: string;
  }
}

let server: DevServerHandle | undefined;
let dir: string | undefined;

/** One real Temporal dev server per test run, on free ports in a temp dir, with our fast settings. */
export async function setup(project: TestProject): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'clawdbot-test-temporal-'));
  server = await startDevServer({
    binary: requireTemporalBinary(),
    host: '127.0.0.1',
    port: await freePort(),
    uiPort: await freePort(),
    headless: true,
    namespace: 'default',
    dbFile: join(dir, 'temporal.db'),
    logger: createLogger('test-temporal', 'warn'),
  });
  project.provide('temporalAddress', server.address);
}

/** Stop the server and remove its files. */
export async function teardown(): Promise<void> {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
