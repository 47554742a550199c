/**
 * The channel accounts config asks for: each `channels.<id>` section validated by its
 * channel's schema plus the common options (core/config only knows it is an object).
 */
import type { Config } from '../../core/config/schema.js';
import { ClawdbotError } from '../../core/errors.js';
import { accountsOf } from '../shared/config.js';
import type { ChannelPlugin, CommonAccountOptions } from '../types.js';

/** One configured account of one channel, its options validated and defaulted. */
export interface ResolvedAccount {
  plugin: ChannelPlugin;
  accountId: string;
  options: CommonAccountOptions;
  /** It has what it needs to start (a token...). */
  configured: boolean;
}

/**
 * Every account of every configured channel, enabled or not. Throws CONFIG_INVALID naming
 * `channels.<id>[.accounts.<a>].<field>` for a bad option or an unknown channel id.
 */
export function resolveChannelAccounts(
  config: Config,
  plugins: readonly ChannelPlugin[],
): ResolvedAccount[] {
  const resolved: ResolvedAccount[] = [];
  for (const [id, section] of Object.entries(config.channels)) {
    const plugin = plugins.find((candidate) => candidate.id === id);
    if (!plugin) {
      const known = plugins.map((candidate) => candidate.id).join(', ') || 'none';
      throw new ClawdbotError(
        'CONFIG_INVALID',
        `channels.${id}: unknown channel "${id}" (known channels: ${known})`,
        { channel: id },
      );
    }
    for (const { accountId, options } of accountsOf(section, plugin.configSchema, id)) {
      resolved.push({ plugin, accountId, options, configured: plugin.isConfigured(options) });
    }
  }
  // Implicit channels (WebChat) are listed like the others even without a config section.
  for (const plugin of plugins) {
    if (!plugin.implicit || plugin.id in config.channels) continue;
    for (const { accountId, options } of accountsOf(undefined, plugin.configSchema, plugin.id)) {
      resolved.push({ plugin, accountId, options, configured: plugin.isConfigured(options) });
    }
  }
  return resolved;
}
