import { Session } from 'node:inspector/promises';

/** How long after start-up the collection runs: off the start path, before anyone measures. */
export const startupGarbageDelayMs = 1_000;

/** A worker thread busy in a long task answers late; the main thread does not wait for it. */
const threadReplyTimeoutMs = 5_000;

/**
 * Collect, once, the garbage that starting a gateway leaves behind and give its pages back:
 * on the main thread ~40 MB resident (the workflow bundle read and sent to its thread,
 * module sources compiled, schemas built), in the workflow thread ~7 MB more (the bundle's
 * evaluation). V8 does this on its own only when a heap grows again or its idle "memory
 * reducer" gets round to it, and an idle gateway allocates too little for either: it keeps
 * its start-up high-water mark as resident size for a long time.
 *
 * Through an in-process inspector session (no port is opened): its collectGarbage is V8's
 * "all available garbage" collection, which also shrinks the heap, where `gc()` under
 * `--expose-gc` frees the objects and keeps the pages (measured: 90 MB heap stays 89 MB).
 * Worker threads are reached through the same session (NodeWorker), then let go.
 */
export async function collectStartupGarbage(): Promise<void> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.collectGarbage');
    await collectInWorkerThreads(session);
  } finally {
    session.disconnect();
  }
}

async function collectInWorkerThreads(session: Session): Promise<void> {
  const threads: string[] = [];
  const replies = new Map<number, () => void>();
  session.on('NodeWorker.attachedToWorker', ({ params }) => threads.push(params.sessionId));
  session.on('NodeWorker.receivedMessageFromWorker', ({ params }) => {
    const { id } = JSON.parse(params.message) as { id?: number };
    if (id !== undefined) replies.get(id)?.();
  });
  // Attaches to every running worker thread, announcing each before the reply.
  await session.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
  try {
    for (const [index, sessionId] of threads.entries()) {
      let timer: NodeJS.Timeout | undefined;
      const replied = new Promise<void>((resolve) => {
        replies.set(index, resolve);
        timer = setTimeout(resolve, threadReplyTimeoutMs);
      });
      await session.post('NodeWorker.sendMessageToWorker', {
        sessionId,
        message: JSON.stringify({ id: index, method: 'HeapProfiler.collectGarbage' }),
      });
      await replied;
      clearTimeout(timer);
    }
  } finally {
    await session.post('NodeWorker.disable');
  }
}
