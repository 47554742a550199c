/** The bundled Twitch plugin: registers the Twitch chat channel (see README.md). */
import type { PluginApi } from '../../core/plugins/types.js';
import { twitchChannel } from './channel.js';

export { twitchChannel };

/** Plugin entry. */
export function register(api: PluginApi): void {
  api.registerChannel(twitchChannel);
}
