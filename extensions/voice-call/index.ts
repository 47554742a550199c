/**
 * Entry of the bundled `voice-call` plugin: the `voice_call` tool, the `voicecall.*`
 * gateway methods and Twilio's webhook routes, over one calls service per process. Each
 * call is a `voiceCall` workflow (workflows/voice-call.ts, bundled with the core
 * workflows: plugins contribute no workflow code of their own). Set-up: README.md.
 */
import type { PluginApi } from '../../core/plugins/types.js';
import { createVoiceCalls } from './calls.js';
import { voiceCallSettings, type VoiceCallPluginConfig } from './config.js';
import { voiceCallMethods } from './methods.js';
import { voiceCallTool } from './tool.js';
import { voiceCallRoutes } from './webhook.js';

/** Register the tool, the methods and the webhook routes. */
export function register(api: PluginApi<VoiceCallPluginConfig>): void {
  const settings = voiceCallSettings(api.pluginConfig);
  // Temporal is reached on first use (api.temporal() works once the process connected).
  const calls = createVoiceCalls({
    settings,
    config: api.config,
    stateDir: api.stateDir,
    logger: api.logger,
    temporal: () => api.temporal(),
  });
  const service = () => calls;
  api.registerTool(voiceCallTool(service, settings.replyTimeoutMs));
  for (const method of voiceCallMethods(service)) api.registerGatewayMethod(method);
  const routes = voiceCallRoutes({ settings, calls, stateDir: api.stateDir, logger: api.logger });
  for (const route of routes) api.registerHttpRoute(route);
}
