/**
 * Entry of the bundled `whatsapp` plugin: registers the WhatsApp Cloud API channel. Its
 * manifest (clawdbot.plugin.json) declares the channel's config schema, so `channels.whatsapp`
 * is validated without loading this file. Set-up: README.md beside it.
 */
import type { PluginApi } from '../../core/plugins/types.js';
import { whatsappChannel } from './channel.js';

export { whatsappChannel };

/** Register the channel with the gateway. */
export function register(api: PluginApi): void {
  api.registerChannel(whatsappChannel);
}
