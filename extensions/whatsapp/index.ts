/**
 * Entry of the bundled `whatsapp` plugin: registers the WhatsApp Cloud API channel. Its
 * manifest (clawdbot.plugin.json) declares the channel's config schema, so `channels.whatsapp`
 * is validated without loading this file. Set-up: README.md beside it.
 */
import type { PluginApi } from '../../core/plugins/types.js';
import { whatsappActionsTool } from './actions-tool.js';
import { whatsappChannel } from './channel.js';

export { whatsappActionsTool, whatsappChannel };

/** Register the channel and its `whatsapp_actions` tool (react, templates, read receipts). */
export function register(api: PluginApi): void {
  api.registerChannel(whatsappChannel);
  api.registerTool(whatsappActionsTool);
}
