import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { startFixtureWorker, type FixtureWorker } from './helpers/fixture-worker.js';

// patches/temporalio-worker-vm-deadline.mjs replaces the SDK's watchdog thread per call into
// the workflow sandbox with one per activation. What a user relies on must not change: a
// workflow stuck in a loop is still detected and its workflow task failed, and every other
// workflow on that worker keeps running.

const applyPatches = join(packageRoot, 'scripts', 'apply-patches.mjs');
const workerPackage = join(packageRoot, 'node_modules', '@temporalio', 'worker');

describe('the vm deadline patch', () => {
  let fixture: FixtureWorker;
  let client: Client;
  let worker: Worker;
  let taskQueue: string;

  beforeAll(async () => {
    fixture = await startFixtureWorker(inject('temporalAddress'), 'vm-deadline', {
      // Not in the SDK's typed options but passed through (worker-options.ts spreads the
      // rest over its defaults): 1 s instead of 5 s keeps this test short.
      ...({ isolateExecutionTimeout: '1s' } as object),
    });
    ({ client, worker, taskQueue } = fixture);
  });

  afterAll(() => fixture?.close());

  it('is applied to the installed SDK', () => {
    expect(execFileSync('node', [applyPatches, '--check'], { encoding: 'utf8' })).toContain(
      'temporalio-worker-vm-deadline is applied',
    );
  });

  it(
    'a workflow stuck in a loop fails its workflow task; the others keep running',
    { timeout: 60_000 },
    async () => {
      const stuck = await client.workflow.start('spinsOnSignal', {
        taskQueue,
        workflowId: `stuck-${Date.now()}`,
      });
      try {
        expect(
          await client.workflow.execute('echo', {
            taskQueue,
            workflowId: `before-${Date.now()}`,
            args: ['before'],
          }),
        ).toBe('echo: before');
        await stuck.signal('spin');

        let failure: string | undefined;
        for (let waited = 0; failure === undefined && waited < 30_000; waited += 200) {
          const { events } = await stuck.fetchHistory();
          failure =
            events
              ?.map((event) => event.workflowTaskFailedEventAttributes?.failure?.message)
              .find((message) => message) ?? undefined;
          if (failure === undefined) await sleep(200);
        }
        expect(failure).toBe('Script execution timed out after 1000ms');
        expect((await stuck.describe()).status.name).toBe('RUNNING');

        // The same worker (its one workflow thread) still serves a new workflow and an
        // evicted-and-replayed stuck one does not take it down.
        expect(
          await client.workflow.execute('echo', {
            taskQueue,
            workflowId: `after-${Date.now()}`,
            args: ['after'],
          }),
        ).toBe('echo: after');
        expect(worker.getState()).toBe('RUNNING');
      } finally {
        await stuck.terminate('test over');
      }
    },
  );

  it('refuses another SDK version or changed SDK text, and changes nothing then', () => {
    const root = mkdtempSync(join(tmpdir(), 'clawdbot-patches-'));
    try {
      const copy = join(root, 'node_modules', '@temporalio', 'worker');
      cpSync(workerPackage, copy, { recursive: true, dereference: true });
      const manifestPath = join(copy, 'package.json');
      const manifest = readFileSync(manifestPath, 'utf8');
      const run = () =>
        execFileSync('node', [applyPatches, '--root', root], { encoding: 'utf8', stdio: 'pipe' });

      writeFileSync(manifestPath, manifest.replace('"version": "1.24.0"', '"version": "1.25.0"'));
      expect(run).toThrow(/is 1\.25\.0, the patch is for 1\.24\.0 only/);
      writeFileSync(manifestPath, manifest);

      const threadFile = join(copy, 'lib', 'workflow', 'workflow-worker-thread.js');
      const original = readFileSync(threadFile, 'utf8');
      writeFileSync(
        threadFile,
        original.replaceAll('workflow.activate(activation)', 'wf.activate(a)'),
      );
      const reusable = readFileSync(join(copy, 'lib', 'workflow', 'reusable-vm.js'), 'utf8');
      expect(run).toThrow(/workflow-worker-thread\.js does not contain the text/);
      expect(readFileSync(join(copy, 'lib', 'workflow', 'reusable-vm.js'), 'utf8')).toBe(reusable);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
