/** The bundled Nostr plugin: registers the Nostr channel (see README.md). */
import type { PluginApi } from '../../core/plugins/types.js';
import { nostrChannel } from './channel.js';

export { nostrChannel };

/** Plugin entry. */
export function register(api: PluginApi): void {
  api.registerChannel(nostrChannel);
}
