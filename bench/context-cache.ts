// bench/context-cache: input tokens billed per turn over a 50-turn session, with the prompt
// cache (what ClawdBot's requests get: Anthropic breakpoints, OpenAI's automatic prefix
// cache) and without it (every input token at the full price), against the scripted LLM
// simulating both providers' caches. Counts tokens, not time.
// Run: npm run bench:context-cache [-- turns]
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { startWorker } from '../cli/runtime/worker.js';
import { createTemporalAgentService } from '../core/agent/temporal-agent-service.js';
import { loadConfig } from '../core/config/load.js';
import { createLocalBus } from '../core/events/local-bus.js';
import { createLogger } from '../core/logger.js';
import { createSessionStore } from '../core/sessions/index.js';
import { startFakeLlmServer, type RecordedRequest } from '../test/fakes/llm-server.js';
import { benchStateDir, startBenchTemporal } from './setup.js';

const turns = Number(process.argv[2] ?? 50);
const logger = createLogger('bench', 'warn');
const server = await startBenchTemporal(
  mkdtempSync(join(tmpdir(), 'clawdbot-bench-cache-temporal-')),
  logger,
);
const connection = await NativeConnection.connect({ address: server.address });

/** Prices relative to an uncached input token (Anthropic: writes 1.25, reads 0.1; OpenAI: reads 0.5). */
const price = {
  anthropic: { write: 1.25, read: 0.1 },
  openai: { write: 1, read: 0.5 },
};

async function session(provider: 'anthropic' | 'openai') {
  const llm = await startFakeLlmServer({ promptCache: true });
  const { dir, paths } = benchStateDir(`cache-${provider}`, llm);
  const baseUrl = provider === 'anthropic' ? llm.anthropicBaseUrl : llm.openaiBaseUrl;
  writeFileSync(
    paths.configFile,
    JSON.stringify({
      temporal: { taskQueue: `bench-cache-${provider}` },
      agent: { model: `${provider}/fake-model` },
      providers: { [provider]: { apiKey: 'bench', baseUrl } },
    }),
  );
  const { config } = loadConfig(paths.configFile, {});
  writeFileSync(join(paths.workspaceDir, 'notes.txt'), 'a line of notes\n'.repeat(200));
  const store = createSessionStore(dir);
  const bus = createLocalBus();
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
  const perTurn: RecordedRequest[][] = [];
  for (let index = 0; index < turns; index++) {
    const before = llm.requests.length;
    const text =
      index % 5 === 4
        ? 'TOOL read_file {"path":"notes.txt"}'
        : `turn ${index}: ${'a sentence the user typed. '.repeat(10)}`;
    const { runId } = await agent.send('agent:main:bench-cache', {
      messageId: `cache-${provider}-${index}`,
      text,
      channel: 'bench',
      receivedAt: Date.now(),
    });
    await agent.wait(runId, 60_000, 'agent:main:bench-cache');
    perTurn.push(llm.requests.slice(before));
  }
  await worker.stop();
  await llm.close();
  return perTurn;
}

for (const provider of ['anthropic', 'openai'] as const) {
  const perTurn = await session(provider);
  let uncachedTotal = 0;
  let cachedTotal = 0;
  console.log(`\n${provider}: ${turns} turns in one session (every 5th turn reads a file)`);
  console.log('turn  calls  input tokens  fresh  cache read  cache write  billed as input, cached');
  for (const [index, requests] of perTurn.entries()) {
    const sum = (pick: (request: RecordedRequest) => number) =>
      requests.reduce((total, request) => total + pick(request), 0);
    const input = sum((request) => request.inputTokens);
    const fresh = sum((request) => request.cache?.input ?? request.inputTokens);
    const read = sum((request) => request.cache?.cacheRead ?? 0);
    const write = sum((request) => request.cache?.cacheWrite ?? 0);
    const billed = fresh + write * price[provider].write + read * price[provider].read;
    uncachedTotal += input;
    cachedTotal += billed;
    if (index < 5 || index % 5 === 4 || index === perTurn.length - 1) {
      console.log(
        `${String(index + 1).padStart(4)}  ${String(requests.length).padStart(5)}  ${String(input).padStart(12)}  ${String(fresh).padStart(5)}  ${String(read).padStart(10)}  ${String(write).padStart(11)}  ${billed.toFixed(0).padStart(10)}`,
      );
    }
  }
  console.log(
    `total input tokens billed without caching: ${uncachedTotal}; with caching (as input-token equivalents): ${cachedTotal.toFixed(0)} (${((cachedTotal / uncachedTotal) * 100).toFixed(1)}%)`,
  );
}

await connection.close();
await server.stop();
