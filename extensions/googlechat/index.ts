/**
 * Entry of the bundled `googlechat` plugin: registers the Google Chat channel. Its manifest
 * (clawdbot.plugin.json) declares the channel's config schema, so `channels.googlechat` is
 * validated without loading this file. Set-up: README.md beside it.
 */
import type { PluginApi } from '../../core/plugins/types.js';
import { googlechatChannel } from './channel.js';

export { googlechatChannel };

/** Register the channel with the gateway. */
export function register(api: PluginApi): void {
  api.registerChannel(googlechatChannel);
}
