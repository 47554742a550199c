import { defineConfig } from 'vitest/config';

// Most test files wait on I/O (the Temporal server, child processes, fake platforms), so
// on a 2-core machine several files at once finish far sooner than vitest's default of
// cores - 1 (one file at a time). Files are isolated from each other: free ports, temp
// state dirs, a task queue per harness. CLAWDBOT_TEST_WORKERS (or --maxWorkers) overrides.
const workers = Number(process.env.CLAWDBOT_TEST_WORKERS ?? 3);

export default defineConfig({
  test: {
    // The Temporal native bridge has crashed under worker threads; forks are safe.
    pool: 'forks',
    maxWorkers: Number.isInteger(workers) && workers > 0 ? workers : 3,
    globalSetup: ['test/setup/temporal-server.ts', 'test/setup/dendrite-server.ts'],
    setupFiles: ['test/setup/temporal-runtime.ts'],
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.tools/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
