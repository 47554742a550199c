// bench/turn-plain: the warm plain turn on the worker side alone (no gateway, no WebSocket),
// for A/B comparisons of turn-path changes: one session, sequential turns, the scripted LLM
// answering at once. Prints first delta and completion percentiles and this process's CPU
// (worker, its workflow thread and the in-process client) per turn. The Temporal server is a
// child process and is not counted.
// Run: node bin/run-ts.js bench/turn-plain.ts [turns] [--tool]
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { startWorker } from '../cli/runtime/worker.js';
import { createTemporalAgentService } from '../core/agent/temporal-agent-service.js';
import { createLocalBus } from '../core/events/local-bus.js';
import type { RunEvent } from '../core/events/types.js';
import { createLogger } from '../core/logger.js';
import { createSessionStore } from '../core/sessions/index.js';
import { startFakeLlmServer } from '../test/fakes/llm-server.js';
import { benchStateDir, startBenchTemporal } from './setup.js';
import { summary } from './stats.js';

const { values: args, positionals } = parseArgs({
  options: { tool: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const turns = Number(positionals[0] ?? 300);
const text = args.tool ? 'TOOL read_file {"path":"note.txt"}' : 'hello';
const logger = createLogger('bench', 'warn');
const llm = await startFakeLlmServer();
const server = await startBenchTemporal(
  mkdtempSync(join(tmpdir(), 'clawdbot-bench-plain-temporal-')),
  logger,
);
const { dir, paths, config } = benchStateDir('plain', llm);
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
const agent = createTemporalAgentService({
  client: new Client({ connection }),
  config: () => config,
  store,
});

async function turn(index: number) {
  const runId = `plain-${index}`;
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
  await agent.send('agent:main:plain', {
    messageId: runId,
    text,
    channel: 'bench',
    receivedAt: Date.now(),
  });
  await done;
  return { firstDelta, finished };
}

for (let i = 0; i < 20; i++) await turn(-1 - i);
const measured: { firstDelta: number; finished: number }[] = [];
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
for (let i = 0; i < turns; i++) measured.push(await turn(i));
const wall = performance.now() - wallBefore;
const cpu = process.cpuUsage(cpuBefore);
console.log(`${args.tool ? 'one-tool' : 'plain'} turns, ${turns} sequential on one warm session`);
console.log(`  first delta: ${summary(measured.map((each) => each.firstDelta))}`);
console.log(`  complete:    ${summary(measured.map((each) => each.finished))}`);
console.log(
  `  ${(turns / (wall / 1000)).toFixed(1)} turns/s; process CPU ${((cpu.user + cpu.system) / 1000 / turns).toFixed(2)} ms per turn`,
);

await worker.stop();
await connection.close();
await server.stop();
await llm.close();
