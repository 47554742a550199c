import { modelsListParams, modelsListResult } from '../../core/protocol/index.js';
import { defineMethod } from './types.js';

/** `models.list`: the configured model and its fallbacks, each marked with its provider. */
export const modelsListMethod = defineMethod({
  method: 'models.list',
  params: modelsListParams,
  result: modelsListResult,
  handler(_params, { gateway }) {
    const { agent, providers } = gateway.config();
    const refs = [...new Set([agent.model, ...agent.fallbacks])];
    return {
      models: refs.map((ref) => {
        const slash = ref.indexOf('/');
        const provider = ref.slice(0, slash) as keyof typeof providers;
        const id = ref.slice(slash + 1);
        return {
          id,
          name: id,
          provider,
          ref,
          default: ref === agent.model,
          // Whether a key is configured (the env var counts: it is folded into the config).
          configured: providers[provider].apiKey !== undefined,
        };
      }),
    };
  },
});
