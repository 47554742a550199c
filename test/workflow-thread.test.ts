import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { WorkerThreadClient } from '@temporalio/worker/lib/workflow/threaded-vm.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { startFixtureWorker, type FixtureWorker } from './helpers/fixture-worker.js';

// Two patches cut the requests the worker sends its workflow thread:
// patches/temporalio-worker-sink-calls.mjs returns an activation's sink calls with its
// completion, patches/temporalio-worker-workflow-creation.mjs creates a run with its first
// activation. The session workflow announces each turn's end through a sink, and every turn
// is a new run, so what must not change is that runs start and every sink call reaches the
// sink once, in the order the workflow made it.

const applyPatches = join(packageRoot, 'scripts', 'apply-patches.mjs');

describe('the workflow thread patches', () => {
  let fixture: FixtureWorker;
  let client: Client;
  let taskQueue: string;
  const recorded: { workflowId: string; step: string }[] = [];
  const requests: string[] = [];
  const clients = new Set<WorkerThreadClient>();
  const { prototype } = WorkerThreadClient;
  const send = Object.getOwnPropertyDescriptor(prototype, 'send')!.value as typeof prototype.send;

  beforeAll(async () => {
    // Every request the worker sends to its workflow thread, by type.
    prototype.send = function (this: WorkerThreadClient, input) {
      requests.push(input.type);
      clients.add(this);
      return send.call(this, input);
    };
    fixture = await startFixtureWorker(inject('temporalAddress'), 'workflow-thread', {
      sinks: {
        trail: {
          record: {
            fn: (info, step: string) => {
              recorded.push({ workflowId: info.workflowId, step });
            },
          },
        },
      },
    });
    ({ client, taskQueue } = fixture);
  });

  afterAll(async () => {
    prototype.send = send;
    await fixture?.close();
  });

  it('are applied to the installed SDK', () => {
    const check = execFileSync('node', [applyPatches, '--check'], { encoding: 'utf8' });
    expect(check).toContain('temporalio-worker-sink-calls is applied');
    expect(check).toContain('temporalio-worker-workflow-creation is applied');
  });

  it('delivers every sink call once, in order, without a request of its own', async () => {
    const workflowId = `sink-trail-${Date.now()}`;
    requests.length = 0;
    await client.workflow.execute('sinkTrail', { taskQueue, workflowId, args: [4] });
    expect(
      recorded.filter((call) => call.workflowId === workflowId).map((call) => call.step),
    ).toEqual(['0a', '0b', '1a', '1b', '2a', '2b', '3a', '3b', 'end']);
    // Five activations at least (start, four timers), none asked for its sink calls apart.
    expect(requests.filter((type) => type === 'activate-workflow').length).toBeGreaterThanOrEqual(
      5,
    );
    expect(requests).not.toContain('extract-sink-calls');
    expect(requests).not.toContain('create-workflow');
  });

  it('runs many workflows side by side, each created with its first activation', async () => {
    // The runs the worker holds, by the count that picks a thread for a new run: every
    // finished run is evicted, so it settles at 0 (it went below 0 when creation did not
    // count the run it created).
    const active = () =>
      [...clients].reduce((sum, thread) => sum + thread.getActiveWorkflowCount(), 0);
    const settled = async () => {
      for (let waited = 0; active() !== 0 && waited < 10_000; waited += 50) await sleep(50);
      return active();
    };
    expect(await settled()).toBe(0); // the earlier tests' runs, evicted
    requests.length = 0;
    const ids = Array.from({ length: 8 }, (_, index) => `sink-many-${Date.now()}-${index}`);
    await Promise.all(
      ids.map((workflowId) =>
        client.workflow.execute('sinkTrail', { taskQueue, workflowId, args: [2] }),
      ),
    );
    for (const workflowId of ids) {
      expect(
        recorded.filter((call) => call.workflowId === workflowId).map((call) => call.step),
      ).toEqual(['0a', '0b', '1a', '1b', 'end']);
    }
    expect(requests).not.toContain('create-workflow');
    expect(await settled()).toBe(0);
  });
});
