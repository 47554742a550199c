import { basename, join } from 'node:path';
import type { Config } from '../../../core/config/schema.js';
import { createLocalEmbeddings } from './local.js';
import { createOpenAiEmbeddings } from './openai.js';
import type { EmbeddingProvider } from './provider.js';

/** The default local model: small (23 MB quantized), 384 dimensions, good for notes. */
export const defaultLocalModel = 'Xenova/all-MiniLM-L6-v2';
/** The default OpenAI embedding model. */
export const defaultOpenAiModel = 'text-embedding-3-small';

/** What the embedder needs besides config. */
export interface EmbeddingEnvironment {
  stateDir: string;
  /** Where download progress lines go. */
  log?: (line: string) => void;
}

/** The provider memory.embeddings asks for. */
export function createEmbeddingProvider(
  config: Config,
  environment: EmbeddingEnvironment,
): EmbeddingProvider {
  const settings = config.memory.embeddings;
  switch (settings.provider) {
    case 'openai': {
      const apiKey =
        settings.apiKey ?? process.env.OPENAI_API_KEY ?? config.providers.openai.apiKey;
      return createOpenAiEmbeddings({
        baseUrl:
          settings.baseUrl ??
          process.env.OPENAI_BASE_URL ??
          config.providers.openai.baseUrl ??
          'https://api.openai.com/v1',
        model: settings.model ?? defaultOpenAiModel,
        ...(apiKey !== undefined ? { apiKey } : {}),
        ...(settings.dimensions !== undefined ? { dimensions: settings.dimensions } : {}),
      });
    }
    case 'local': {
      // A model taken from a folder is named by the folder unless memory.embeddings.model
      // says which it is: two different folders must not share a table.
      const model =
        settings.model ??
        (settings.modelPath !== undefined ? basename(settings.modelPath) : defaultLocalModel);
      let lastPercent = -1;
      return createLocalEmbeddings({
        model,
        ...(settings.modelPath !== undefined ? { modelPath: settings.modelPath } : {}),
        cacheDir: join(environment.stateDir, 'models'),
        quantized: settings.quantized,
        onProgress: (file, percent) => {
          // Files read from a local folder report progress too; only a download is news.
          if (settings.modelPath !== undefined) return;
          const step = Math.floor(percent / 10) * 10;
          if (step === lastPercent) return;
          lastPercent = step;
          environment.log?.(`memory: downloading ${model} ${file} ${step}%`);
        },
      });
    }
  }
}
