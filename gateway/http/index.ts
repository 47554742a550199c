/**
 * The gateway's HTTP API and pages, as one plugin: OpenAI-compatible /v1 (chat
 * completions, models), POST /tools/invoke, the Control UI at `/` and WebChat at `/webchat`.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../core/config/schema.js';
import { createLogger } from '../../core/logger.js';
import type { GatewayDeps } from '../app.js';
import { openAiRoutes } from './openai.js';
import { toolRoutes } from './tools-invoke.js';
import { controlUiRoutes } from './control-ui.js';
import { webChatRoutes } from './webchat.js';

/** Register on the app; `config` is the gateway's current config (auth may be patched). */
export function httpApiRoutes(deps: GatewayDeps, config: () => Config): FastifyPluginAsync {
  const http = {
    config,
    agent: deps.agent,
    bus: deps.bus,
    logger: (deps.logger ?? createLogger('gateway')).child('http'),
    startedAt: Date.now(),
  };
  return async (app) => {
    await app.register(openAiRoutes(http), { prefix: '/v1' });
    await app.register(toolRoutes(http));
    await app.register(controlUiRoutes());
    await app.register(webChatRoutes());
  };
}
