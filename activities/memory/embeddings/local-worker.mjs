// The local embedding model's thread. Plain JavaScript so a worker thread can load it
// without the TypeScript loader; it only runs @huggingface/transformers, off the event
// loop of whoever embeds (the gateway may share that process).
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { env, pipeline } from '@huggingface/transformers';

/** @type {{model: string, modelPath?: string, cacheDir: string, quantized: boolean}} */
const options = workerData;

function dtypeFor() {
  if (!options.quantized) return 'fp32';
  if (options.modelPath === undefined) return 'q8';
  // A local folder may hold only the full-precision weights.
  return existsSync(join(options.modelPath, 'onnx', 'model_quantized.onnx')) ? 'q8' : 'fp32';
}

async function load() {
  env.cacheDir = options.cacheDir;
  let modelId = options.model;
  if (options.modelPath !== undefined) {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = dirname(options.modelPath);
    modelId = basename(options.modelPath);
  }
  return pipeline('feature-extraction', modelId, {
    dtype: dtypeFor(),
    device: 'cpu',
    progress_callback: (event) => {
      if (event.status === 'progress' || event.status === 'done') {
        parentPort.postMessage({
          type: 'progress',
          file: event.file,
          progress: event.progress ?? 100,
          loaded: event.loaded,
          total: event.total,
        });
      }
    },
  });
}

const ready = load();
ready.catch(() => {}); // reported per request below

parentPort.on('message', async (message) => {
  try {
    const extractor = await ready;
    const output = await extractor(message.texts, { pooling: 'mean', normalize: true });
    const [count, dims] = output.dims;
    const data = Float32Array.from(output.data);
    parentPort.postMessage({ type: 'result', id: message.id, count, dims, data }, [data.buffer]);
  } catch (error) {
    parentPort.postMessage({
      type: 'error',
      id: message.id,
      message: String(error?.message ?? error),
    });
  }
});
