import { modelsListParams, modelsListResult } from '../../core/protocol/index.js';
import { builtInProviderIds, listProviderModels } from '../../core/plugins/providers.js';
import { defineMethod } from './types.js';

/**
 * `models.list`: the configured model and its fallbacks, each marked with its provider, then
 * the models plugin providers offer now (an Ollama server's installed models).
 */
export const modelsListMethod = defineMethod({
  method: 'models.list',
  params: modelsListParams,
  result: modelsListResult,
  async handler(_params, { gateway }) {
    const { agent, providers } = gateway.config();
    const refs = [...new Set([agent.model, ...agent.fallbacks])];
    const plugins = gateway.deps.plugins;
    const pluginProviders = new Set(plugins?.providers.map((each) => each.provider.id) ?? []);
    const configured = refs.map((ref) => {
      const slash = ref.indexOf('/');
      const provider = ref.slice(0, slash);
      const id = ref.slice(slash + 1);
      const builtIn = builtInProviderIds.includes(provider)
        ? providers[provider as keyof typeof providers]
        : undefined;
      return {
        id,
        name: id,
        provider,
        ref,
        default: ref === agent.model,
        // Whether a key is configured (the env var counts: it is folded into the config); a
        // plugin's provider brings its own endpoint.
        configured: builtIn ? builtIn.apiKey !== undefined : pluginProviders.has(provider),
      };
    });
    const listed = await listProviderModels(plugins, { signal: AbortSignal.timeout(5_000) });
    const offered = listed.flatMap(({ providerId, models }) =>
      models
        .map((model) => ({ model, ref: `${providerId}/${model.id}` }))
        .filter(({ ref }) => !refs.includes(ref))
        .map(({ model, ref }) => ({
          id: model.id,
          name: model.name ?? model.id,
          provider: providerId,
          ref,
          default: false,
          configured: true,
        })),
    );
    return { models: [...configured, ...offered] };
  },
});
