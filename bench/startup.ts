// bench/startup: time from `clawdbot gateway` to a green /health, the CPU time the node
// process spent to get there (steadier than the wall clock on a shared machine), and the
// idle RSS of the process tree (node + embedded Temporal server).
// Run: npm run bench:startup [-- runs] (it builds dist/ first; CLAWDBOT_NO_DIST=1 measures
// the sources through tsx).
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../core/net.js';
import {
  cleanEnv,
  descendantPids,
  makeStateDir,
  spawnClawdbot,
  waitForHealth,
} from '../test/helpers/cli-process.js';

function rssKiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** user + system CPU time of a process so far, in ms (Linux clock ticks are 10 ms). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const runs = Number(process.argv[2] ?? 5);
const cold: number[] = [];
const times: number[] = [];
const cpu: number[] = [];
const rss: { node: number; temporal: number }[] = [];
for (let run = 0; run < runs; run++) {
  const [port, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const stateDir = makeStateDir({
    gateway: { port },
    temporal: { dev: { port: temporalPort, uiPort } },
  });
  const started = performance.now();
  const cli = spawnClawdbot(
    ['gateway', '--state-dir', stateDir],
    cleanEnv({ CLAWDBOT_LOG_LEVEL: 'warn' }),
  );
  await waitForHealth(`http://127.0.0.1:${port}`, cli);
  const elapsed = performance.now() - started;
  cpu.push(cpuMs(cli.child.pid!));
  (run === 0 ? cold : times).push(elapsed);
  await sleep(3000); // let start-up garbage settle before reading idle memory
  const node = rssKiB(cli.child.pid!);
  const temporal = descendantPids(cli.child.pid!).reduce((sum, pid) => sum + rssKiB(pid), 0);
  rss.push({ node, temporal });
  cli.child.kill('SIGTERM');
  await cli.exited;
  console.log(
    `run ${run + 1}/${runs}: healthy after ${elapsed.toFixed(0)} ms (node CPU ${cpu.at(-1)} ms); idle RSS node ${(node / 1024).toFixed(0)} MiB + temporal ${(temporal / 1024).toFixed(0)} MiB`,
  );
}
const all = [...cold, ...times];
const mode = process.env.CLAWDBOT_NO_DIST === '1' ? 'sources through tsx' : 'dist/ when fresh';
console.log(
  `\nclawdbot gateway → green /health (embedded Temporal, fresh state dir each run, ${mode})`,
);
console.log(`  first run (workflow bundle cache may be cold): ${cold[0]?.toFixed(0)} ms`);
if (times.length > 0)
  console.log(
    `  median of warm runs: ${median(times).toFixed(0)} ms  (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}, n=${times.length})`,
  );
console.log(`  median of all runs: ${median(all).toFixed(0)} ms`);
console.log(`  node CPU time until healthy (median): ${median(cpu).toFixed(0)} ms`);
console.log(
  `idle RSS (median): node ${(median(rss.map((r) => r.node)) / 1024).toFixed(0)} MiB, temporal ${(median(rss.map((r) => r.temporal)) / 1024).toFixed(0)} MiB, tree ${(median(rss.map((r) => r.node + r.temporal)) / 1024).toFixed(0)} MiB`,
);
