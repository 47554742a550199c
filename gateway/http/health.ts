import type { FastifyPluginAsync } from 'fastify';
import type { HealthReport } from '../../core/health.js';

/** GET /health: gateway, worker and Temporal status; 503 when anything needed is down. */
export function healthRoutes(probe: () => Promise<HealthReport>): FastifyPluginAsync {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/health',
      {
        schema: {
          response: {
            200: { type: 'object', additionalProperties: true },
            503: { type: 'object', additionalProperties: true },
          },
        },
      },
      async (_request, reply) => {
        const report = await probe();
        return reply.code(report.ok ? 200 : 503).send(report);
      },
    );
  };
}
