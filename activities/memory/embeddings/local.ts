import { Worker } from 'node:worker_threads';
import { MemoryError } from '../errors.js';
import type { EmbeddingProvider } from './provider.js';

/** Which local model to run and where its files are. */
export interface LocalEmbeddingOptions {
  /** Hub model id, e.g. Xenova/all-MiniLM-L6-v2 (also names the vectors when modelPath is set). */
  model: string;
  /** A folder with config.json, tokenizer files and onnx/model*.onnx: no download. */
  modelPath?: string;
  /** Where hub downloads are kept (<stateDir>/models). */
  cacheDir: string;
  quantized: boolean;
  /** Told about download progress (file, percent). */
  onProgress?: (file: string, percent: number) => void;
}

interface Pending {
  resolve: (vectors: Float32Array[]) => void;
  reject: (error: Error) => void;
}

type WorkerMessage =
  | { type: 'progress'; file: string; progress: number }
  | { type: 'result'; id: number; count: number; dims: number; data: Float32Array }
  | { type: 'error'; id: number; message: string };

/**
 * A sentence-embedding model run by @huggingface/transformers (onnxruntime on the CPU) in
 * a worker thread: inference takes whole seconds for a large batch, and the event loop of
 * the process (possibly the gateway's) must not stall meanwhile. The thread starts on the
 * first call and loads the model once.
 */
export function createLocalEmbeddings(options: LocalEmbeddingOptions): EmbeddingProvider {
  let worker: Worker | undefined;
  let nextId = 1;
  let dims: number | undefined;
  const pending = new Map<number, Pending>();
  const failAll = (error: Error) => {
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  };
  const start = (): Worker => {
    const thread = new Worker(new URL('./local-worker.mjs', import.meta.url), {
      workerData: {
        model: options.model,
        modelPath: options.modelPath,
        cacheDir: options.cacheDir,
        quantized: options.quantized,
      },
    });
    thread.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') {
        options.onProgress?.(message.file, message.progress);
        return;
      }
      const entry = pending.get(message.id);
      if (!entry) return;
      pending.delete(message.id);
      if (pending.size === 0) thread.unref();
      if (message.type === 'error') {
        entry.reject(new MemoryError('MODEL_LOAD_FAILED', `${options.model}: ${message.message}`));
        return;
      }
      const vectors: Float32Array[] = [];
      for (let row = 0; row < message.count; row++) {
        vectors.push(message.data.subarray(row * message.dims, (row + 1) * message.dims));
      }
      dims = message.dims;
      entry.resolve(vectors);
    });
    thread.on('error', (error) => {
      failAll(new MemoryError('MODEL_LOAD_FAILED', `${options.model}: ${error.message}`));
      worker = undefined;
    });
    thread.on('exit', () => {
      failAll(new MemoryError('MODEL_LOAD_FAILED', `${options.model}: the model thread exited`));
      worker = undefined;
    });
    return thread;
  };
  const embed = (texts: string[]): Promise<Float32Array[]> => {
    if (texts.length === 0) return Promise.resolve([]);
    worker ??= start();
    const id = nextId++;
    const thread = worker;
    return new Promise<Float32Array[]>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      // Only a thread with work keeps the process alive; an idle one must not.
      thread.ref();
      thread.postMessage({ id, texts });
    });
  };
  return {
    id: `local:${options.model}`,
    embed,
    async dimensions() {
      if (dims === undefined) await embed(['dimension probe']);
      return dims!;
    },
    async close() {
      const thread = worker;
      worker = undefined;
      if (thread) await thread.terminate();
    },
  };
}
