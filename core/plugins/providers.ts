/**
 * Model providers added by plugins (`registerProvider`): `<id>/<model>` refs resolve to the
 * provider's endpoint, and `models.list` shows the models it offers. The built-in
 * `anthropic` and `openai` keep their own config (`providers.*`) and cannot be taken.
 */
import type { ModelProviders } from '../../activities/llm/model-ref.js';
import type { Config } from '../config/schema.js';
import type { PluginDiscovery } from './discovery.js';
import { resolveEnableState } from './enablement.js';
import type { PluginRegistry } from './registry.js';
import type { ProviderModel } from './types.js';

/** Providers built into ClawdBot; no plugin may register these ids. */
export const builtInProviderIds: readonly string[] = ['anthropic', 'openai'];

/** The registered providers as the LLM calls resolve them (undefined when there are none). */
export function modelProvidersOf(registry: PluginRegistry | undefined): ModelProviders | undefined {
  if (!registry || registry.providers.length === 0) return undefined;
  return new Map(
    registry.providers.map(({ provider }) => [
      provider.id,
      async () => {
        const endpoint = await provider.endpoint();
        return {
          baseUrl: endpoint.baseUrl,
          ...(endpoint.apiKey !== undefined ? { apiKey: endpoint.apiKey } : {}),
        };
      },
    ]),
  );
}

/** One provider's models, or why they could not be listed. */
export interface ProviderModels {
  providerId: string;
  pluginId: string;
  models: ProviderModel[];
  error?: string;
}

/** Every registered provider's models, listed side by side; a provider that fails is reported, not fatal. */
export async function listProviderModels(
  registry: PluginRegistry | undefined,
  options: { signal?: AbortSignal } = {},
): Promise<ProviderModels[]> {
  return Promise.all(
    (registry?.providers ?? []).map(async ({ pluginId, provider }) => {
      try {
        return { providerId: provider.id, pluginId, models: await provider.listModels(options) };
      } catch (error) {
        return {
          providerId: provider.id,
          pluginId,
          models: [],
          error: error instanceof Error ? error.message : String(error),
        };
      }
    }),
  );
}

/**
 * Provider ids config may name in model refs: the built-in ones and those the manifests of
 * enabled plugins declare (read without running plugin code, so config is checked first).
 */
export function knownProviderIds(config: Config, discovery: PluginDiscovery): string[] {
  return [
    ...builtInProviderIds,
    ...discovery.plugins
      .filter((plugin) => resolveEnableState(plugin, config).enabled)
      .flatMap((plugin) => plugin.manifest.providers ?? []),
  ];
}
