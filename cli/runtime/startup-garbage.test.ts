import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { collectStartupGarbage } from './startup-garbage.js';

// A thread that drops ~40 MB of strings, then reports its heap whenever asked.
const threadSource = `
  const { parentPort } = require('node:worker_threads');
  let dropped = Array.from({ length: 200000 }, (_, index) => 'thread garbage ' + index + ' '.repeat(150));
  dropped = undefined;
  parentPort.on('message', () => parentPort.postMessage(process.memoryUsage()));
  parentPort.postMessage(process.memoryUsage());
`;

describe('collectStartupGarbage', () => {
  it('frees what start-up dropped on the main thread and gives the heap back', async () => {
    let dropped: string[] | undefined = Array.from({ length: 200_000 }, (_, index) =>
      `start-up garbage ${index} `.repeat(8),
    );
    expect(dropped).toHaveLength(200_000);
    const before = process.memoryUsage();
    dropped = undefined;
    await collectStartupGarbage();
    const after = process.memoryUsage();
    // ~40 MB of strings were reachable a moment ago.
    expect(before.heapUsed - after.heapUsed).toBeGreaterThan(20 * 1024 * 1024);
    expect(before.heapTotal - after.heapTotal).toBeGreaterThan(20 * 1024 * 1024);
  });

  it('does the same in worker threads (the workflow thread) and leaves them running', async () => {
    const thread = new Worker(threadSource, { eval: true });
    try {
      const [before] = (await once(thread, 'message')) as [NodeJS.MemoryUsage];
      await collectStartupGarbage();
      thread.postMessage('again');
      const [after] = (await once(thread, 'message')) as [NodeJS.MemoryUsage];
      expect(before.heapUsed - after.heapUsed).toBeGreaterThan(20 * 1024 * 1024);
    } finally {
      await thread.terminate();
    }
  });
});
