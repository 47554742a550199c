/**
 * Entry of the bundled `nextcloud-talk` plugin: registers the Nextcloud Talk channel. Its
 * manifest declares the channel's config schema, so `channels.nextcloud-talk` is validated
 * without loading this file. Set-up: README.md beside it.
 */
import type { PluginApi } from '../../core/plugins/types.js';
import { nextcloudTalkChannel } from './channel.js';

export { nextcloudTalkChannel };

/** Register the channel with the gateway. */
export function register(api: PluginApi): void {
  api.registerChannel(nextcloudTalkChannel);
}
