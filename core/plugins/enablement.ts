/**
 * Whether a discovered plugin loads, checked in OpenClaw's order: the master switch,
 * deny (wins over everything), a non-empty allow list, `entries.<id>.enabled`, then the
 * defaults — bundled plugins are off unless enabled, except that a bundled channel plugin
 * turns on when its `channels.<id>` section is configured; installed plugins are on.
 */
import type { Config } from '../config/schema.js';
import type { DiscoveredPlugin } from './discovery.js';

/** The decision and its reason, as `plugins list` shows it. */
export interface EnableState {
  enabled: boolean;
  reason: string;
}

/** Decide one plugin's state from config. */
export function resolveEnableState(
  plugin: Pick<DiscoveredPlugin, 'id' | 'origin' | 'manifest'>,
  config: Pick<Config, 'plugins' | 'channels'>,
): EnableState {
  const { plugins } = config;
  if (!plugins.enabled) return { enabled: false, reason: 'plugins.enabled is false' };
  if (plugins.deny.includes(plugin.id)) return { enabled: false, reason: 'in plugins.deny' };
  if (plugins.allow.length > 0 && !plugins.allow.includes(plugin.id))
    return { enabled: false, reason: 'not in plugins.allow' };
  const entry = plugins.entries[plugin.id];
  if (entry?.enabled === false)
    return { enabled: false, reason: `plugins.entries.${plugin.id}.enabled is false` };
  if (entry?.enabled === true)
    return { enabled: true, reason: `plugins.entries.${plugin.id}.enabled is true` };
  if (plugin.origin !== 'bundled') return { enabled: true, reason: 'installed by the user' };
  const configured = (plugin.manifest.channels ?? []).find((channel) => channel in config.channels);
  if (configured !== undefined)
    return { enabled: true, reason: `channels.${configured} is configured` };
  return { enabled: false, reason: 'bundled plugins are off unless enabled' };
}
