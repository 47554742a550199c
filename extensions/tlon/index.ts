/** The bundled Tlon plugin: registers the Tlon (Urbit) channel (see README.md). */
import type { PluginApi } from '../../core/plugins/types.js';
import { tlonChannel } from './channel.js';

export { tlonChannel };

/** Plugin entry. */
export function register(api: PluginApi): void {
  api.registerChannel(tlonChannel);
}
