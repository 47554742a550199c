// bench/turn: latency of a durable one-tool agent turn against a scripted LLM that answers
// at once, next to the same two LLM calls made directly. Starts its own Temporal dev server
// (with the embedded runtime's settings) and an in-process worker, as `clawdbot gateway` does.
// Run: npm run bench:turn [-- turns]
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { startWorker } from '../cli/runtime/worker.js';
import { createLocalBus } from '../core/events/local-bus.js';
import type { RunEvent } from '../core/events/types.js';
import { createLogger } from '../core/logger.js';
import { createSessionStore } from '../core/sessions/index.js';
import { createTemporalAgentService } from '../core/agent/temporal-agent-service.js';
import { startFakeLlmServer } from '../test/fakes/llm-server.js';
import { benchStateDir, startBenchTemporal } from './setup.js';
import { summary } from './stats.js';

const turns = Number(process.argv[2] ?? 200);
const sessions = 20;
const logger = createLogger('bench', 'warn');
const llm = await startFakeLlmServer();
const server = await startBenchTemporal(
  mkdtempSync(join(tmpdir(), 'clawdbot-bench-turn-temporal-')),
  logger,
);
const { dir, paths, config } = benchStateDir('turn', llm);
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

// One turn: TOOL directive → the fake calls read_file, then answers "DONE <result>".
async function durableTurn(sessionKey: string, index: number) {
  const runId = `bench-${index}`;
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
    text: 'TOOL read_file {"path":"note.txt"}',
    channel: 'bench',
    receivedAt: Date.now(),
  });
  await done;
  return { firstDelta, finished };
}

const openai = new OpenAI({ apiKey: 'bench', baseURL: llm.openaiBaseUrl, maxRetries: 0 });
async function directCalls() {
  const started = performance.now();
  const first = await openai.chat.completions.create({
    model: 'fake-model',
    stream: true,
    messages: [{ role: 'user', content: 'TOOL read_file {"path":"note.txt"}' }],
  });
  for await (const _chunk of first) void _chunk;
  const second = await openai.chat.completions.create({
    model: 'fake-model',
    stream: true,
    messages: [
      { role: 'user', content: 'TOOL read_file {"path":"note.txt"}' },
      {
        role: 'assistant',
        tool_calls: [
          {
            id: 'c1',
            type: 'function',
            function: { name: 'read_file', arguments: '{"path":"note.txt"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'bench note' },
    ],
  });
  let firstDelta = 0;
  for await (const chunk of second) {
    if (firstDelta === 0 && chunk.choices[0]?.delta.content)
      firstDelta = performance.now() - started;
  }
  return { firstDelta, finished: performance.now() - started };
}

const warmup = 20;
for (let i = 0; i < warmup; i++) await durableTurn(`agent:main:bench-${i % sessions}`, -1 - i);
const durable: { firstDelta: number; finished: number }[] = [];
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
for (let i = 0; i < turns; i++)
  durable.push(await durableTurn(`agent:main:bench-${i % sessions}`, i));
const wall = performance.now() - wallBefore;
const cpu = process.cpuUsage(cpuBefore);
const direct: { firstDelta: number; finished: number }[] = [];
for (let i = 0; i < turns; i++) direct.push(await directCalls());

console.log(
  `one-tool turn (LLM → read_file → LLM), ${turns} sequential turns over ${sessions} warm sessions, scripted LLM answering at once`,
);
console.log(`  durable turn, first text delta: ${summary(durable.map((d) => d.firstDelta))}`);
console.log(`  durable turn, complete:         ${summary(durable.map((d) => d.finished))}`);
console.log(`  direct LLM calls, first delta:  ${summary(direct.map((d) => d.firstDelta))}`);
console.log(`  direct LLM calls, complete:     ${summary(direct.map((d) => d.finished))}`);
console.log(
  `  sequential throughput: ${(turns / (wall / 1000)).toFixed(1)} turns/s; worker process CPU ${((cpu.user + cpu.system) / 1000 / turns).toFixed(1)} ms per turn`,
);

await worker.stop();
await connection.close();
await server.stop();
await llm.close();
