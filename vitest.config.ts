import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal native bridge has crashed under worker threads; forks are safe.
    pool: 'forks',
    globalSetup: ['test/setup/temporal-server.ts', 'test/setup/dendrite-server.ts'],
    setupFiles: ['test/setup/temporal-runtime.ts'],
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.tools/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
