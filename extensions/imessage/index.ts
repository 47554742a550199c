/** The bundled iMessage plugin: registers the iMessage channel (see README.md). */
import type { PluginApi } from '../../core/plugins/types.js';
import { imessageChannel } from './channel.js';

export { imessageChannel };

/** Plugin entry. */
export function register(api: PluginApi): void {
  api.registerChannel(imessageChannel);
}
