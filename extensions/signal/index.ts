/** The bundled Signal plugin: registers the Signal channel (see README.md). */
import type { PluginApi } from '../../core/plugins/types.js';
import { signalChannel } from './channel.js';

export { signalChannel };

/** Plugin entry. */
export function register(api: PluginApi): void {
  api.registerChannel(signalChannel);
}
