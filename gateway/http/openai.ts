/** The OpenAI-compatible API under /v1: models and chat completions, OpenAI-shaped errors. */
import type { FastifyPluginAsync } from 'fastify';
import { bearerAuth } from './auth.js';
import type { HttpDeps } from './deps.js';
import { errorHandler, sendError } from './errors.js';
import { registerChatCompletions } from './openai-chat.js';
import { modelList } from './openai-models.js';
import { withZod } from './zod-schema.js';

/** Register with `{ prefix: '/v1' }`. */
export function openAiRoutes(deps: HttpDeps): FastifyPluginAsync {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (instance) => {
    const app = withZod(instance);
    app.addHook('onRequest', bearerAuth(deps.config, 'openai'));
    app.setErrorHandler(errorHandler('openai', deps.logger));
    app.setNotFoundHandler((request, reply) =>
      sendError(
        reply,
        { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` },
        'openai',
      ),
    );
    app.get('/models', () => modelList(deps.config(), deps.startedAt));
    registerChatCompletions(app, deps);
  };
}
