// bench/turn-plain: the warm plain turn on the worker side alone (no gateway, no WebSocket),
// for A/B comparisons of turn-path changes: one session, sequential turns, the scripted LLM
// answering at once. Prints first delta and completion percentiles and this process's CPU
// (worker, its workflow thread and the in-process client) per turn. The Temporal server is a
// child process and is not counted.
// Run: node bin/run-ts.js bench/turn-plain.ts [turns] [--tool]
import { parseArgs } from 'node:util';
import { summary } from './stats.js';
import { startBenchWorker, type TurnTiming } from './worker-harness.js';

const { values: args, positionals } = parseArgs({
  options: { tool: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const turns = Number(positionals[0] ?? 300);
const text = args.tool ? 'TOOL read_file {"path":"note.txt"}' : 'hello';
const bench = await startBenchWorker('plain');
const turn = (index: number) => bench.turn('agent:main:plain', `plain-${index}`, text);

for (let i = 0; i < 20; i++) await turn(-1 - i);
const measured: TurnTiming[] = [];
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

await bench.close();
