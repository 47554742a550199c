/**
 * The webhooks plugin: inbound HTTP hooks that start agent turns. Each mapping's path is
 * served at `/plugins/webhooks<path>/<match.path>` (POST, JSON body), authenticated by the
 * hook token, not by the gateway's own auth: hook senders get only the hook token.
 *
 * Config lives in `plugins.entries.webhooks.config` with OpenClaw's `hooks` key names
 * (token, path, mappings[].match.path, action, sessionKey, messageTemplate, deliver,
 * channel, to): the plugin's manifest validates it like any plugin config, and the
 * section exists only where the feature is on.
 */
import type { PluginApi } from '../../core/plugins/types.js';
import { hookHandler, type HookMapping } from './hook-route.js';
import { RequestClaims } from './request-claims.js';

/** `plugins.entries.webhooks.config` after the manifest's defaults. */
interface WebhooksConfig {
  token: string;
  path?: string;
  mappings?: HookMapping[];
}

export function register(api: PluginApi<WebhooksConfig>): void {
  const { token } = api.pluginConfig;
  const prefix = (api.pluginConfig.path ?? '/hooks').replace(/\/+$/, '');
  const mappings = api.pluginConfig.mappings ?? [];
  for (const mapping of mappings) {
    // A reply with nowhere to go is a config mistake worth stopping on.
    if (mapping.deliver && (!mapping.channel || !mapping.to))
      throw new Error(
        `mapping "${mapping.id ?? mapping.match.path}": deliver needs "channel" and "to"`,
      );
  }
  const claims = new RequestClaims(api.stateDir);
  const byPath = new Map<string, HookMapping[]>();
  for (const mapping of mappings)
    byPath.set(mapping.match.path, [...(byPath.get(mapping.match.path) ?? []), mapping]);
  for (const [path, pathMappings] of byPath) {
    api.registerHttpRoute({
      method: 'POST',
      path: `${prefix}/${path}`,
      auth: 'webhook',
      handler: hookHandler({
        mappings: pathMappings,
        token,
        agentId: api.config.agent.id,
        claims,
        logger: api.logger,
      }),
    });
  }
}
