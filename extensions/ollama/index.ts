/**
 * The Ollama provider: `ollama/<model>` in agent.model (or fallbacks, llm_task's `model`)
 * is called through Ollama's OpenAI-compatible Chat Completions endpoint (`<baseUrl>/v1`,
 * streaming and tools), and `models.list` shows the models the server has installed.
 */
import type { PluginApi } from '../../core/plugins/types.js';
import { listOllamaModels } from './tags.js';

/** `plugins.entries.ollama.config`, after the manifest's defaults. */
interface OllamaConfig {
  baseUrl?: string;
  apiKey?: string;
}

/** Ollama's own default address. */
const defaultBaseUrl = 'http://127.0.0.1:11434';

export function register(api: PluginApi<OllamaConfig>): void {
  const baseUrl = (api.pluginConfig.baseUrl ?? defaultBaseUrl).replace(/\/+$/, '');
  const apiKey = api.pluginConfig.apiKey;
  api.registerProvider({
    id: 'ollama',
    label: 'Ollama',
    listModels: ({ signal }) => listOllamaModels(baseUrl, { apiKey, signal }),
    // The OpenAI SDK insists on a key; Ollama ignores whatever it is given.
    endpoint: () => ({
      api: 'openai-completions',
      baseUrl: `${baseUrl}/v1`,
      apiKey: apiKey ?? 'ollama',
    }),
  });
}
