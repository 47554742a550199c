import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../core/config/schema.js';
import type { HealthReport } from '../core/health.js';
import { healthRoutes } from './http/health.js';

/** What the gateway needs from the rest of the process. */
export interface GatewayDeps {
  config: Config;
  /** Live health of gateway, worker and Temporal. */
  health: () => Promise<HealthReport>;
}

/** Build the gateway's fastify app without listening, so tests can drive it. */
export async function buildGatewayApp(deps: GatewayDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 512 * 1024 });
  await app.register(healthRoutes(deps.health));
  return app;
}
