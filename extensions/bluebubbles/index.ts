/** The bundled BlueBubbles plugin: registers the BlueBubbles channel (see README.md). */
import type { PluginApi } from '../../core/plugins/types.js';
import { bluebubblesChannel } from './channel.js';

export { bluebubblesChannel };

/** Plugin entry. */
export function register(api: PluginApi): void {
  api.registerChannel(bluebubblesChannel);
}
