// What bench/turn and bench/turn-plain share: a Temporal dev server, an in-process worker and
// agent service (as `clawdbot gateway` runs them), the scripted LLM, and a timed turn that
// follows the run's events on the local bus.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { startWorker } from '../cli/runtime/worker.js';
import { createTemporalAgentService } from '../core/agent/temporal-agent-service.js';
import { createLocalBus } from '../core/events/local-bus.js';
import type { RunEvent } from '../core/events/types.js';
import { createLogger } from '../core/logger.js';
import { createSessionStore } from '../core/sessions/index.js';
import { startFakeLlmServer, type FakeLlmServer } from '../test/fakes/llm-server.js';
import { benchStateDir, startBenchTemporal } from './setup.js';

/** Milliseconds from sending a message to its turn's first text delta and to its end. */
export interface TurnTiming {
  firstDelta: number;
  finished: number;
}

export interface BenchWorker {
  llm: FakeLlmServer;
  /** A client of the bench's Temporal server (to read histories after the run). */
  client: Client;
  /** Send `text` to `sessionKey` as message `runId` and time its turn. */
  turn(sessionKey: string, runId: string, text: string): Promise<TurnTiming>;
  close(): Promise<void>;
}

/** Everything up and warm enough to take turns; `note.txt` in the workspace for read_file. */
export async function startBenchWorker(name: string): Promise<BenchWorker> {
  const logger = createLogger('bench', 'warn');
  const llm = await startFakeLlmServer();
  const server = await startBenchTemporal(
    mkdtempSync(join(tmpdir(), `clawdbot-bench-${name}-temporal-`)),
    logger,
  );
  // The server runs in a process group of its own: a bench stopped by Ctrl-C or `timeout`
  // stops it here, or it would keep running and take CPU from the next bench.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void server.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
  const { dir, paths, config } = benchStateDir(name, llm);
  writeFileSync(join(paths.workspaceDir, 'note.txt'), 'bench note');
  const store = createSessionStore(dir);
  const bus = createLocalBus();
  const connection = await NativeConnection.connect({ address: server.address });
  const worker = await startWorker({
    connection,
    namespace: 'default',
    taskQueue: config.temporal.taskQueue,
    activities: createActivities({ config, paths, logger, store, bus }),
    logger,
  });
  const client = new Client({ connection });
  const agent = createTemporalAgentService({
    client,
    config: () => config,
    store,
  });

  return {
    llm,
    client,
    async turn(sessionKey, runId, text) {
      const started = performance.now();
      let firstDelta = 0;
      let finished = 0;
      const done = new Promise<void>((resolve) => {
        const unsubscribe = bus.subscribe((event: RunEvent) => {
          if (event.runId !== runId) return;
          if (event.part.type === 'text-delta' && firstDelta === 0)
            firstDelta = performance.now() - started;
          if (event.part.type === 'run-finish') {
            finished = performance.now() - started;
            unsubscribe();
            resolve();
          }
        });
      });
      await agent.send(sessionKey, {
        messageId: runId,
        text,
        channel: 'bench',
        receivedAt: Date.now(),
      });
      await done;
      return { firstDelta, finished };
    },
    async close() {
      await worker.stop();
      await connection.close();
      await server.stop();
      await llm.close();
    },
  };
}
