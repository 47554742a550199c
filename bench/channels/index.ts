// bench/channels: for each platform driver in bench/channels/<platform>.ts, message-in to
// reply-out latency through the platform's fake (sequential, p50/p99) and the throughput
// of 50 chats sending at once, counting lost and duplicated replies. The scripted LLM
// answers at once, so the numbers are the channel layer plus the durable turn.
// Run: npm run bench:channels [-- <platform> ...] [--messages N] [--chats N]
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startRuntime } from '../../cli/runtime/runtime.js';
import { installTemporalRuntime } from '../../cli/runtime/temporal-runtime.js';
import { loadConfig } from '../../core/config/load.js';
import { createLogger } from '../../core/logger.js';
import { freePort } from '../../core/net.js';
import { statePaths } from '../../core/paths.js';
import { startFakeLlmServer } from '../../test/fakes/llm-server.js';
import { makeStateDir } from '../../test/helpers/cli-process.js';
import { startBenchTemporal } from '../setup.js';
import { summary } from '../stats.js';
import type { BenchDriver, BenchPlatform } from './driver.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const messages = option('messages', 40);
const chats = option('chats', 50);
const only = args.filter(
  (arg, index) => !arg.startsWith('--') && !args[index - 1]?.startsWith('--'),
);

const here = fileURLToPath(new URL('.', import.meta.url));
const platforms = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && !['index.ts', 'driver.ts'].includes(file))
  .map((file) => file.replace(/\.ts$/, ''))
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

installTemporalRuntime('warn');
const logger = createLogger('bench', 'warn');
const llm = await startFakeLlmServer();
const temporalDir = makeStateDir();
const server = await startBenchTemporal(temporalDir, logger);

/** Wait until `probe` holds; undefined on timeout. */
async function until(probe: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (probe()) return true;
    await sleep(2);
  }
  return false;
}

async function benchPlatform(name: string): Promise<void> {
  const { driver } = (await import(`./${name}.ts`)) as { driver: BenchDriver };
  const port = await freePort();
  const platform: BenchPlatform = await driver.start({ gatewayUrl: `http://127.0.0.1:${port}` });
  const stateDir = makeStateDir({
    gateway: { port },
    temporal: { address: server.address, taskQueue: `bench-channels-${name}-${Date.now()}` },
    agent: { id: `bench-${name}`, model: 'openai/fake-model' },
    providers: { openai: { apiKey: 'bench', baseUrl: llm.openaiBaseUrl } },
    // One session per chat, so the 50 chats are 50 sessions running side by side.
    session: { dmScope: 'per-channel-peer' },
    channels: platform.channels,
  });
  const paths = statePaths(stateDir);
  const { config } = loadConfig(paths.configFile, {});
  const runtime = await startRuntime({ config, paths, logger, gateway: true, worker: true });
  try {
    // The channel connects in the background, and a fake delivers nothing to a bot that is
    // not connected yet: send until one warm-up message is answered.
    const deadline = performance.now() + 90_000;
    let warmedUp = false;
    for (let attempt = 0; !warmedUp && performance.now() < deadline; attempt++) {
      await platform.sendDirectMessage(0, `warm-up ${attempt}`);
      warmedUp = await until(
        () => platform.repliesTo(0).some((reply) => reply.includes('warm-up')),
        3000,
      );
    }
    if (!warmedUp) throw new Error(`${name}: no reply to the warm-up messages`);
    await sleep(1000); // let the answers to the other warm-up messages go out

    const latencies: number[] = [];
    for (let index = 0; index < messages; index++) {
      const text = `latency ${index}`;
      const started = performance.now();
      await platform.sendDirectMessage(0, text);
      const answered = await until(
        () => platform.repliesTo(0).some((reply) => reply.endsWith(text)),
        30_000,
      );
      if (!answered) throw new Error(`${name}: no reply to "${text}"`);
      latencies.push(performance.now() - started);
    }

    const users = Array.from({ length: chats }, (_, index) => index + 1);
    const started = performance.now();
    await Promise.all(users.map((user) => platform.sendDirectMessage(user, `burst ${user}`)));
    const answered = (user: number) =>
      platform.repliesTo(user).filter((reply) => reply.endsWith(`burst ${user}`)).length;
    await until(() => users.every((user) => answered(user) >= 1), 120_000);
    const elapsed = performance.now() - started;
    // Late duplicates would show up after the burst: give them time to.
    await sleep(2000);
    const lost = users.filter((user) => answered(user) === 0).length;
    const duplicated = users.filter((user) => answered(user) > 1).length;

    console.log(`${name}:`);
    console.log(`  message in → reply out, sequential: ${summary(latencies)}`);
    console.log(
      `  ${chats} chats at once: ${((chats - lost) / (elapsed / 1000)).toFixed(1)} replies/s, ` +
        `all answered in ${elapsed.toFixed(0)} ms; lost ${lost}, duplicated ${duplicated}`,
    );
  } finally {
    await runtime.stop();
    await platform.close();
  }
}

if (platforms.length === 0) console.log('no platform drivers in bench/channels/');
for (const name of platforms) {
  try {
    await benchPlatform(name);
  } catch (error) {
    console.log(`${name}: failed: ${(error as Error).message}`);
  }
}
await server.stop();
await llm.close();
process.exit(0);
