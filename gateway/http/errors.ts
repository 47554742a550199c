/**
 * Error responses of the HTTP API: every failure leaves as one ErrorShape (status and
 * retryability from core/errors.ts), in ClawdBot's body `{error:{code,message,...}}` or,
 * under /v1, OpenAI's `{error:{message,type,code}}` so OpenAI clients raise the right class.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorTable, toErrorShape, type ErrorCode, type ErrorShape } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { issuesOf } from '../ws/frame-errors.js';

/** Which body shape a family of routes answers errors with. */
export type ErrorFlavor = 'clawdbot' | 'openai';

const openAiTypes: Partial<Record<ErrorCode, string>> = {
  INVALID_REQUEST: 'invalid_request_error',
  NOT_FOUND: 'invalid_request_error',
  PAYLOAD_TOO_LARGE: 'invalid_request_error',
  UNAUTHORIZED: 'authentication_error',
  RATE_LIMITED: 'rate_limit_error',
};

/** The response body of an error in a flavor. */
export function errorBody(shape: ErrorShape, flavor: ErrorFlavor): { error: object } {
  if (flavor === 'clawdbot') return { error: shape };
  const type = openAiTypes[shape.code] ?? 'server_error';
  return { error: { message: shape.message, type, code: shape.code, param: null } };
}

/** Send an error with its table status; retry hints go in headers clients already read. */
export function sendError(reply: FastifyReply, shape: ErrorShape, flavor: ErrorFlavor) {
  const { status, retryable } = errorTable[shape.code];
  // The OpenAI SDK retries every 5xx unless told otherwise; a failed agent run is not transient.
  reply.header('x-should-retry', String(retryable));
  if (shape.retryAfterMs !== undefined) {
    reply.header('retry-after', String(Math.ceil(shape.retryAfterMs / 1000)));
  }
  if (shape.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Bearer');
  return reply.code(status).send(errorBody(shape, flavor));
}

/** Whatever a route or fastify threw, as an ErrorShape (messages only, never stacks). */
export function httpErrorShape(error: unknown): ErrorShape {
  if (error instanceof z.ZodError) {
    return {
      code: 'INVALID_REQUEST',
      message: `invalid request body: ${error.issues[0]?.message ?? 'does not match the schema'}`,
      details: { issues: issuesOf(error) },
    };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { code: 'PAYLOAD_TOO_LARGE', message: 'request body exceeds 512 KiB' };
  }
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { code: 'INVALID_REQUEST', message: 'content-type must be application/json' };
  }
  // fastify's own client errors (bad JSON, empty body, bad content-length) are all 4xx.
  const status = fastifyError.statusCode;
  if (typeof fastifyError.code === 'string' && status !== undefined && status < 500) {
    return { code: 'INVALID_REQUEST', message: fastifyError.message ?? 'invalid request' };
  }
  return toErrorShape(error);
}

/** A fastify error handler answering in `flavor`; unexpected errors are logged. */
export function errorHandler(flavor: ErrorFlavor, logger: Logger) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const shape = httpErrorShape(error);
    if (shape.code === 'INTERNAL') {
      logger.error('http request failed', { url: request.url, error: String(error) });
    }
    return sendError(reply, shape, flavor);
  };
}
