// bench/cron: firing lag of N cron jobs on a fixed interval (default 100 jobs every 1 s for
// 60 s). Each fire is a full durable agent turn in the job's own (isolated) session against a
// scripted LLM that answers at once. Lag = when the job's workflow woke for a fire minus the
// fire time (what each run entry records as lagMs). Starts its own Temporal dev server (the
// embedded runtime's settings) and an in-process worker, as `clawdbot gateway` does.
// Run: npm run bench:cron [-- jobs intervalMs seconds]
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { startWorker } from '../cli/runtime/worker.js';
import { createLocalBus } from '../core/events/local-bus.js';
import { createLogger } from '../core/logger.js';
import { createSessionStore } from '../core/sessions/index.js';
import { createTemporalAgentService } from '../core/agent/temporal-agent-service.js';
import { startFakeLlmServer } from '../test/fakes/llm-server.js';
import { benchStateDir, startBenchTemporal } from './setup.js';
import type { cronJob } from '../workflows/cron-job.js';
import type { CronJobInfo, CronRun } from '../workflows/types.js';
import { summary } from './stats.js';

const jobCount = Number(process.argv[2] ?? 100);
const intervalMs = Number(process.argv[3] ?? 1000);
const seconds = Number(process.argv[4] ?? 60);
const logger = createLogger('bench', 'warn');
const llm = await startFakeLlmServer();
const server = await startBenchTemporal(
  mkdtempSync(join(tmpdir(), 'clawdbot-bench-cron-temporal-')),
  logger,
);
const { dir, paths, config } = benchStateDir('cron', llm);
const store = createSessionStore(dir);
const connection = await NativeConnection.connect({ address: server.address });
const client = new Client({ connection });
const worker = await startWorker({
  connection,
  namespace: 'default',
  taskQueue: config.temporal.taskQueue,
  activities: createActivities({ config, paths, logger, store, bus: createLocalBus(), client }),
  logger,
});
const agent = createTemporalAgentService({ client, config: () => config, store });

/** CPU seconds (user + system) the dev server process has used, from /proc. */
function serverCpuSeconds(): number {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** Busy and total CPU time of the whole machine (all processes, all cores), from /proc/stat. */
function machineCpu(): { busy: number; total: number } {
  const ticks = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const total = ticks.reduce((sum, tick) => sum + tick, 0);
  return { busy: total - ticks[3]! - ticks[4]!, total }; // idle, iowait
}

// Warm up: the workflow bundle, the session store and the LLM path.
const warm = await agent.send('agent:main:bench-warm', {
  messageId: 'warm',
  text: 'warm',
  channel: 'bench',
  receivedAt: Date.now(),
});
await agent.wait(warm.runId, 60_000, 'agent:main:bench-warm');

const jobs: CronJobInfo[] = [];
for (let i = 0; i < jobCount; i++) {
  jobs.push(
    await agent.cron.add({
      name: `bench-${i}`,
      schedule: { kind: 'every', everyMs: intervalMs },
      target: { isolated: true },
      message: 'bench tick',
      catchUp: 'one',
    }),
  );
}
const windowStart = Date.now();
const windowEnd = windowStart + seconds * 1000;
const cpuStart = { server: serverCpuSeconds(), worker: process.cpuUsage(), machine: machineCpu() };

// A job keeps its last 50 runs: collect them every 15 s so none scrolls away.
const collected = new Map<string, CronRun>();
const keep = (jobId: string, runs: CronRun[]) => {
  for (const run of runs) collected.set(`${jobId}:${run.trigger}:${run.scheduledAt}`, run);
};
while (Date.now() < windowEnd) {
  await sleep(Math.min(15_000, windowEnd - Date.now()));
  await Promise.all(
    jobs.map(async (job) => keep(job.jobId, (await agent.cron.state(job.jobId))?.runs ?? [])),
  );
}
const machineEnd = machineCpu();
const cpu = {
  server: serverCpuSeconds() - cpuStart.server,
  worker: process.cpuUsage(cpuStart.worker),
  machine: (machineEnd.busy - cpuStart.machine.busy) / (machineEnd.total - cpuStart.machine.total),
};
// Stop the jobs: each ends after its run in flight, and its result holds its last runs.
for (const job of jobs) await agent.cron.remove(job.jobId);
await Promise.all(
  jobs.map(async (job) => {
    const handle = client.workflow.getHandle<typeof cronJob>(`cron:${job.jobId}`);
    keep(job.jobId, (await handle.result()).runs);
  }),
);

// Fire times inside the window, per job: createdAt + k × interval.
const expected = jobs.reduce((sum, job) => {
  const first = Math.max(1, Math.ceil((windowStart - job.createdAt) / intervalMs));
  const last = Math.floor((windowEnd - job.createdAt) / intervalMs);
  return sum + Math.max(0, last - first + 1);
}, 0);
const fired = [...collected.values()].filter(
  (run) =>
    run.scheduledAt >= windowStart && run.scheduledAt <= windowEnd && run.status !== 'skipped',
);
const onTime = fired.filter((run) => run.trigger === 'schedule');
const caughtUp = fired.filter((run) => run.trigger === 'catch-up');
const coalesced = caughtUp.reduce((sum, run) => sum + (run.missed ?? 1) - 1, 0);
const failed = fired.filter((run) => run.status !== 'ok').length;
const percent = (part: number) => `${((100 * part) / expected).toFixed(1)}%`;

console.log(
  `cron: ${jobCount} jobs every ${intervalMs} ms for ${seconds} s, each fire a durable turn in the job's own session, scripted LLM answering at once`,
);
console.log(
  `  fire times due in the window: ${expected}; turns run for them: ${fired.length} (${percent(fired.length)}, ${(fired.length / seconds).toFixed(1)}/s, ${failed} failed)`,
);
console.log(
  `    on schedule ${onTime.length}; catch-up runs ${caughtUp.length}, which also served ${coalesced} fire times (${percent(coalesced)}) that came due while the job's previous run was still going; not yet reached when the jobs were removed: ${expected - fired.length - coalesced}`,
);
console.log(
  `  firing lag (fire time → job woke), all runs:   ${summary(fired.map((run) => run.lagMs))}`,
);
console.log(
  `  firing lag, on-schedule runs:                  ${summary(onTime.map((run) => run.lagMs))}`,
);
console.log(
  `  fire duration (woke → turn finished):          ${summary(fired.map((run) => (run.finishedAt ?? run.firedAt) - run.firedAt))}`,
);
console.log(
  `  CPU over the window: Temporal dev server ${((100 * cpu.server) / seconds).toFixed(0)}% of a core, bench process (worker + scripted LLM) ${((100 * (cpu.worker.user + cpu.worker.system)) / 1e6 / seconds).toFixed(0)}%; whole machine ${(100 * cpu.machine).toFixed(0)}% busy of ${cpus().length} cores`,
);

await worker.stop();
await connection.close();
await server.stop();
await llm.close();
