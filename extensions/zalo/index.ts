/**
 * Entry of the bundled `zalo` plugin: registers the Zalo channel. Its manifest declares
 * the channel's config schema, so `channels.zalo` is validated without loading this file.
 * Set-up: README.md beside it.
 */
import type { PluginApi } from '../../core/plugins/types.js';
import { zaloChannel } from './channel.js';

export { zaloChannel };

/** Register the channel with the gateway. */
export function register(api: PluginApi): void {
  api.registerChannel(zaloChannel);
}
