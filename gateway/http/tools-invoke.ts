/**
 * POST /tools/invoke: run one tool as its Temporal activity, outside any conversation
 * (same timeout and retry policy as in a turn, visible in the Temporal UI).
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ClawdbotError } from '../../core/errors.js';
import { normalizeSessionKey } from '../../core/sessions/index.js';
import { bearerAuth } from './auth.js';
import { requireAgent, type HttpDeps } from './deps.js';
import { errorHandler } from './errors.js';
import { withZod } from './zod-schema.js';

/** The body of POST /tools/invoke. */
export const toolsInvokeRequest = z.object({
  tool: z.string().min(1).max(128).describe('the tool name, e.g. read_file'),
  args: z.record(z.string(), z.unknown()).default({}).describe("the tool's input object"),
  sessionKey: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .describe('whose workspace the tool works in (default agent:<id>:main)'),
});

/** The /tools/invoke route, with auth and ClawdBot-shaped errors. */
export function toolRoutes(deps: HttpDeps): FastifyPluginAsync {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (instance) => {
    const app = withZod(instance);
    app.addHook('onRequest', bearerAuth(deps.config, 'clawdbot'));
    app.setErrorHandler(errorHandler('clawdbot', deps.logger));
    app.post('/tools/invoke', { schema: { body: toolsInvokeRequest } }, async (request) => {
      const agent = requireAgent(deps);
      const { tool, args } = request.body;
      const sessionKey = normalizeSessionKey(
        request.body.sessionKey ?? 'main',
        deps.config().agent.id,
      );
      const result = await agent.invokeTool(tool, args, sessionKey);
      if (!result.found) {
        throw new ClawdbotError(
          'NOT_FOUND',
          `Unknown tool "${tool}". Available tools: ${result.tools.join(', ')}`,
          { tools: result.tools },
        );
      }
      return { ok: true, result: { text: result.text, isError: result.isError } };
    });
  };
}
