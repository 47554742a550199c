/**
 * Entry of the bundled `msteams` plugin: registers the Microsoft Teams channel. Its
 * manifest declares the channel's config schema, so `channels.msteams` is validated
 * without loading this file. Set-up: README.md beside it.
 */
import type { PluginApi } from '../../core/plugins/types.js';
import { msteamsChannel } from './channel.js';

export { msteamsChannel };

/** Register the channel with the gateway. */
export function register(api: PluginApi): void {
  api.registerChannel(msteamsChannel);
}
