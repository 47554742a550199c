import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { startFixtureWorker, type FixtureWorker } from './helpers/fixture-worker.js';

// patches/temporalio-worker-payload-walks.mjs skips the worker's walks over payloads that
// cannot change anything (no codecs, no external storage). What must not change: payloads
// reach the workflow as they were sent, and a payload stored externally is still refused
// with the SDK's own error (TMPRL1105) when the worker has no external storage.

const { EventType } = proto.temporal.api.enums.v1;
const applyPatches = join(packageRoot, 'scripts', 'apply-patches.mjs');
const referenceType = 'temporal.api.sdk.v1.ExternalStorageReference';

describe('the payload walks patch', () => {
  let fixture: FixtureWorker;

  beforeAll(async () => {
    fixture = await startFixtureWorker(inject('temporalAddress'), 'payload-walks');
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('is applied to the installed SDK', () => {
    const check = execFileSync('node', [applyPatches, '--check'], { encoding: 'utf8' });
    expect(check).toContain('temporalio-worker-payload-walks is applied');
  });

  it('hands payloads to the workflow unchanged, even ones naming the reference type', async () => {
    const { client, taskQueue } = fixture;
    const texts = ['héllo ✓', `a message about ${referenceType}`];
    for (const text of texts) {
      const result: unknown = await client.workflow.execute('echo', {
        taskQueue,
        workflowId: `payload-walks-echo-${randomUUID()}`,
        args: [text],
      });
      expect(result).toBe(`echo: ${text}`);
    }
  });

  it('still refuses an externally stored payload when no external storage is configured', async () => {
    const { client, taskQueue } = fixture;
    const workflowId = `payload-walks-reference-${randomUUID()}`;
    // What an SDK with external storage sends in place of a large argument.
    const reference = {
      metadata: {
        encoding: Buffer.from('json/protobuf'),
        messageType: Buffer.from(referenceType),
      },
      data: Buffer.from(JSON.stringify({ driverName: 'elsewhere', claim: { key: 'k' } })),
    };
    await client.workflowService.startWorkflowExecution({
      namespace: 'default',
      workflowId,
      workflowType: { name: 'echo' },
      taskQueue: { name: taskQueue },
      input: { payloads: [reference] },
      requestId: randomUUID(),
    });
    const handle = client.workflow.getHandle(workflowId);
    try {
      let failure: string | undefined;
      for (let attempt = 0; attempt < 100 && failure === undefined; attempt++) {
        const { events } = await handle.fetchHistory();
        const failed = events?.find(
          (event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
        );
        failure = failed?.workflowTaskFailedEventAttributes?.failure?.message ?? undefined;
        if (failure === undefined) await sleep(100);
      }
      expect(failure).toContain('TMPRL1105');
      expect((await handle.describe()).status.name).toBe('RUNNING');
    } finally {
      await handle.terminate('test over');
    }
  });
});
