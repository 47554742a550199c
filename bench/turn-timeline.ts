// bench/turn-timeline: where a warm turn's time goes, hop by hop. Sequential turns on one
// session (worker side, as bench/turn-plain), then each turn's workflow history read back:
// the server's event times, the message sent, the first text delta and the turn's end on
// the local bus, merged in time order (the end is announced by the session's next run, so
// that run's first events are part of the turn). Prints the median of each step between
// two consecutive points, in order. An event's time is when the server handled it; a
// workflow task's "started -> completed" is the worker's time plus the completion's trip.
// With --core, the worker's SDK Core logs (DEBUG, forwarded with their own timestamps) join
// the timeline: when Core got a task from the server, handed an activation to the workflow
// code and got its completion back, sent it to the server and heard the answer. That splits
// every hop into the server's part and the worker's (forwarding the logs costs a little).
// Run: npm run bench:timeline [-- turns] [--tool] [--core]
import { parseArgs } from 'node:util';
import proto from '@temporalio/proto';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { sessionWorkflowId } from '../workflows/definitions.js';
import { runIdAttribute } from '../workflows/search-attributes.js';
import { percentile } from './stats.js';
import { startBenchWorker } from './worker-harness.js';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
const { EventType } = proto.temporal.api.enums.v1;

const { values: args, positionals } = parseArgs({
  options: {
    tool: { type: 'boolean', default: false },
    core: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const turns = Number(positionals[0] ?? 100);
const text = args.tool ? 'TOOL read_file {"path":"note.txt"}' : 'hello';
const sessionKey = 'agent:main:timeline';

/** Core's log lines (`core <message>`) at the time Core wrote them, epoch ms. */
const coreLines: [string, number][] = [];
if (args.core) {
  // Before anything connects: the runtime is the process's, installed once.
  Runtime.install({
    logger: new DefaultLogger('DEBUG', (entry) => {
      if (entry.meta?.['sdkComponent'] !== 'core') {
        // The SDK's own lines: only what the usual runtime would print.
        if (entry.level === 'WARN' || entry.level === 'ERROR')
          console.error(`${entry.level} ${entry.message}`);
        return;
      }
      coreLines.push([`core ${entry.message.slice(0, 60)}`, Number(entry.timestampNanos) / 1e6]);
    }),
    telemetryOptions: {
      logging: {
        filter: makeTelemetryFilterString({ core: 'DEBUG', other: 'WARN' }),
        forward: {},
      },
    },
  });
}
const bench = await startBenchWorker('timeline');

/** Epoch milliseconds (fractional) of the bus marks and of the server's event times. */
const now = () => performance.timeOrigin + performance.now();
const eventTime = (event: HistoryEvent) =>
  Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;

for (let i = 0; i < 20; i++) await bench.turn(sessionKey, `warm-${i}`, text);
const marks: { sent: number; firstDelta: number; end: number }[] = [];
for (let i = 0; i < turns; i++) {
  const sent = now();
  const timing = await bench.turn(sessionKey, `turn-${i}`, text);
  marks.push({ sent, firstDelta: sent + timing.firstDelta, end: sent + timing.finished });
}

/** The history of the run that ran turn `index` (each turn is one run of the session). */
async function turnHistory(index: number): Promise<HistoryEvent[]> {
  const query = `WorkflowId = "${sessionWorkflowId(sessionKey)}" AND ${runIdAttribute.name} = "turn-${index}"`;
  for await (const run of bench.client.workflow.list({ query })) {
    const history = await bench.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    return history.events ?? [];
  }
  throw new Error(`no run found for turn-${index}`);
}
const histories: HistoryEvent[][] = [];
for (let i = 0; i < turns; i++) histories.push(await turnHistory(i));

/** `TYPE#n`: the n-th event of that type in its run. */
function points(prefix: string, events: HistoryEvent[]): [string, number][] {
  const seen = new Map<string, number>();
  return events.map((event) => {
    const type = EventType[event.eventType ?? 0]!.replace('EVENT_TYPE_', '');
    const count = (seen.get(type) ?? 0) + 1;
    seen.set(type, count);
    return [`${prefix}${type}#${count}`, eventTime(event)];
  });
}

/** Core's lines from `from` until `to`, each numbered as `points` numbers events. */
function coreWithin(from: number, to: number): [string, number][] {
  const seen = new Map<string, number>();
  return coreLines
    .filter(([, at]) => at >= from && at < to)
    .map(([line, at]) => {
      const count = (seen.get(line) ?? 0) + 1;
      seen.set(line, count);
      return [`${line}#${count}`, at];
    });
}

const steps = new Map<string, number[]>();
for (let i = 0; i + 1 < turns; i++) {
  const mark = marks[i]!;
  const timeline: [string, number][] = [
    ['message sent', mark.sent],
    ['first text delta', mark.firstDelta],
    ['turn end announced', mark.end],
    ...points('', histories[i]!),
    ...points('next run: ', histories[i + 1]!).filter(([, at]) => at <= mark.end),
    ...coreWithin(mark.sent, marks[i + 1]!.sent),
  ];
  timeline.sort((a, b) => a[1] - b[1]);
  const from = timeline.findIndex(([name]) => name === 'message sent');
  for (let j = from + 1; j < timeline.length; j++) {
    const step = `${timeline[j - 1]![0]} -> ${timeline[j]![0]}`;
    steps.set(step, [...(steps.get(step) ?? []), timeline[j]![1] - timeline[j - 1]![1]]);
  }
}

console.log(
  `${args.tool ? 'one-tool' : 'plain'} turns, ${turns} sequential on one warm session: median of each step (steps seen in fewer than a quarter of the turns left out)`,
);
for (const [step, values] of steps) {
  if (values.length < turns / 4) continue;
  console.log(`  ${step.padEnd(84)} ${percentile(values, 50).toFixed(1).padStart(6)} ms`);
}
const totals = marks.map((mark) => mark.end - mark.sent);
console.log(
  `  ${'message sent -> turn end announced, p50'.padEnd(84)} ${percentile(totals, 50).toFixed(1).padStart(6)} ms`,
);

await bench.close();
