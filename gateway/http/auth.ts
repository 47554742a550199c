/**
 * HTTP auth, by the WebSocket's rules (ws/auth.ts): a bearer token equal to the gateway
 * token or password, or no credential at all from a direct loopback peer when no auth is
 * configured. Runs on request, so an unauthenticated body is never read.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../core/config/schema.js';
import { authModeOf, verifyBearer } from '../ws/auth.js';
import { sendError, type ErrorFlavor } from './errors.js';

/** An onRequest hook that answers 401 unless the request may use the API. */
export function bearerAuth(config: () => Config, flavor: ErrorFlavor) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const current = config();
    if (verifyBearer(current, request.raw)) return;
    const message =
      authModeOf(current) === 'none'
        ? 'gateway auth is not configured, so only loopback clients may call it; set gateway.auth.token'
        : 'unauthorized: missing or wrong bearer token (Authorization: Bearer <gateway token>)';
    return sendError(reply, { code: 'UNAUTHORIZED', message }, flavor);
  };
}
