// bench/turn: latency of a durable one-tool agent turn against a scripted LLM that answers
// at once, next to the same two LLM calls made directly. Starts its own Temporal dev server
// (with the embedded runtime's settings) and an in-process worker, as `clawdbot gateway` does.
// Run: npm run bench:turn [-- turns]
import OpenAI from 'openai';
import { summary } from './stats.js';
import { startBenchWorker, type TurnTiming } from './worker-harness.js';

const turns = Number(process.argv[2] ?? 200);
const sessions = 20;
const bench = await startBenchWorker('turn');

// One turn: TOOL directive → the fake calls read_file, then answers "DONE <result>".
const durableTurn = (sessionKey: string, index: number) =>
  bench.turn(sessionKey, `bench-${index}`, 'TOOL read_file {"path":"note.txt"}');

const openai = new OpenAI({ apiKey: 'bench', baseURL: bench.llm.openaiBaseUrl, maxRetries: 0 });
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
const durable: TurnTiming[] = [];
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
for (let i = 0; i < turns; i++)
  durable.push(await durableTurn(`agent:main:bench-${i % sessions}`, i));
const wall = performance.now() - wallBefore;
const cpu = process.cpuUsage(cpuBefore);
const direct: TurnTiming[] = [];
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

await bench.close();
