// The production topology without containers: the multi-service Temporal server from
// deploy/temporal/ on PostgreSQL 15, both as real processes. Proves the server is that
// cluster (not the dev server), that ClawdBot's search attributes register on it, and that
// a ClawdBot workflow runs on it through a real worker.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSearchAttributes } from '../../cli/runtime/temporal-dev-server.js';
import { loadWorkflowBundle } from '../../cli/runtime/workflow-bundle.js';
import { createLogger } from '../../core/logger.js';
import type { PreparedTurn, ToolInvokeResult } from '../../workflows/types.js';
import {
  clawdbotSearchAttributes,
  sessionKeyAttribute,
} from '../../workflows/search-attributes.js';
import { startPostgres, type RunningPostgres } from '../helpers/postgres.js';
import { startTemporalCluster, type RunningCluster } from '../helpers/temporal-cluster.js';

let postgres: RunningPostgres | undefined;
let cluster: RunningCluster | undefined;
let connection: Connection | undefined;

function started(): { cluster: RunningCluster; connection: Connection } {
  if (!cluster || !connection) throw new Error('the cluster did not start');
  return { cluster, connection };
}

beforeAll(async () => {
  postgres = await startPostgres();
  const began = Date.now();
  cluster = await startTemporalCluster({ postgres });
  console.info(`temporal cluster ready in ${Date.now() - began} ms at ${cluster.address}`);
  connection = await Connection.connect({ address: cluster.address });
}, 180_000);

afterAll(async () => {
  await connection?.close();
  await cluster?.stop();
  await postgres?.stop();
}, 60_000);

describe('Temporal cluster on PostgreSQL', () => {
  it('is the multi-service server 1.29.1 on postgres12 with 4 shards, namespace default registered', async () => {
    const { cluster, connection } = started();
    const info = await connection.workflowService.getClusterInfo({});
    expect(info).toMatchObject({
      serverVersion: '1.29.1',
      persistenceStore: 'postgres12',
      visibilityStore: 'postgres12',
      historyShardCount: 4,
    });
    const namespace = await connection.workflowService.describeNamespace({
      namespace: cluster.namespace,
    });
    expect(namespace.namespaceInfo?.name).toBe('default');
  });

  it("registers ClawdBot's search attributes with the product's ensureSearchAttributes, idempotently", async () => {
    const { cluster } = started();
    const native = await NativeConnection.connect({ address: cluster.address });
    try {
      await ensureSearchAttributes(native, cluster.namespace);
      await ensureSearchAttributes(native, cluster.namespace);
      const listed = await native.operatorService.listSearchAttributes({
        namespace: cluster.namespace,
      });
      for (const key of clawdbotSearchAttributes) {
        // IndexedValueType.KEYWORD = 2.
        expect(listed.customAttributes?.[key.name]).toBe(2);
      }
      // On SQL visibility a custom search attribute is a per-namespace mapping to a column,
      // and each service sees it only after its namespace cache refreshes (every
      // system.namespaceCacheRefreshInterval, 2 s): until then a start that sets it fails
      // with "Namespace default has no mapping defined for search attribute".
      const client = new Client({ connection: native, namespace: cluster.namespace });
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          const handle = await client.workflow.start('searchAttributeProbe', {
            taskQueue: `cluster-smoke-${randomUUID()}`,
            workflowId: `search-attribute-probe-${randomUUID()}`,
            typedSearchAttributes: clawdbotSearchAttributes.map((key) => ({ key, value: 'x' })),
          });
          await handle.terminate();
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await sleep(100);
        }
      }
    } finally {
      await native.close();
    }
  });

  it('runs a ClawdBot workflow (toolInvoke, one activity) on a real worker; visibility finds it by session key', async () => {
    const { cluster, connection } = started();
    const native = await NativeConnection.connect({ address: cluster.address });
    const taskQueue = `cluster-smoke-${randomUUID()}`;
    const sessionKey = `agent:main:cluster-${randomUUID()}`;
    const worker = await Worker.create({
      connection: native,
      namespace: cluster.namespace,
      taskQueue,
      workflowBundle: await loadWorkflowBundle(createLogger('cluster-smoke', 'warn')),
      // The one activity toolInvoke calls before it looks the tool up: no tools here.
      activities: {
        'tools.policies': (): Promise<PreparedTurn> =>
          Promise.resolve({ sessionId: 'cluster-smoke-session', tools: {} }),
      },
    });
    const client = new Client({ connection, namespace: cluster.namespace });
    try {
      await worker.runUntil(async () => {
        const result: unknown = await client.workflow.execute('toolInvoke', {
          workflowId: `tool:${sessionKey}:${randomUUID()}`,
          taskQueue,
          args: [{ sessionKey, invocationId: randomUUID(), tool: 'no_such_tool', args: {} }],
          typedSearchAttributes: [{ key: sessionKeyAttribute, value: sessionKey }],
        });
        expect(result).toEqual({ found: false, tools: [] } satisfies ToolInvokeResult);
      });
      // Visibility is written asynchronously (the history service's visibility queue).
      const query = `${sessionKeyAttribute.name} = '${sessionKey}'`;
      const deadline = Date.now() + 15_000;
      let found: string[] = [];
      while (found.length === 0 && Date.now() < deadline) {
        found = [];
        for await (const execution of client.workflow.list({ query })) {
          if (execution.status.name === 'COMPLETED') found.push(execution.type);
        }
        if (found.length === 0) await sleep(100);
      }
      expect(found).toEqual(['toolInvoke']);
    } finally {
      await native.close();
    }
  });
});
