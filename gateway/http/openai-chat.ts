/**
 * POST /v1/chat/completions: one OpenAI request is one durable agent turn on a ClawdBot
 * session. Streaming follows the run's events on the bus; the non-streaming answer is the
 * turn's result from Temporal. The rules are documented in gateway/http/README.md.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClawdbotError } from '../../core/errors.js';
import type { EventBus, RunPart } from '../../core/events/types.js';
import { buildSessionKey, normalizeSessionKey } from '../../core/sessions/index.js';
import { requireAgent, requireBus, type HttpDeps } from './deps.js';
import { agentForModel } from './openai-models.js';
import { chatCompletionRequest, chatPrompt, messageText } from './openai-request.js';
import { runHeaders, streamCompletion, WAIT_TIMEOUT_MS, type ChatTurn } from './openai-sse.js';
import { finishReason, openAiUsage } from './openai-stream.js';
import type { ZodApp } from './zod-schema.js';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.trim() === '' ? undefined : first.trim();
}

/**
 * The session: the session-key header, else the `user` field, else one session per
 * idempotency key (so a retried request lands in the session that de-duplicates it),
 * else a fresh session for this request.
 */
function sessionKeyOf(
  request: FastifyRequest,
  agentId: string,
  user: string | null | undefined,
  idempotencyKey: string | undefined,
): string {
  const explicit = header(request, 'x-clawdbot-session-key');
  if (explicit !== undefined) return normalizeSessionKey(explicit, agentId);
  if (user) return buildSessionKey(agentId, 'openai', user);
  const id = idempotencyKey
    ? `req-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}`
    : randomUUID();
  return buildSessionKey(agentId, 'openai', id);
}

/** Register the route on the /v1 scope. */
export function registerChatCompletions(app: ZodApp, deps: HttpDeps): void {
  app.post(
    '/chat/completions',
    { schema: { body: chatCompletionRequest } },
    async (request, reply) => {
      const agent = requireAgent(deps);
      const body = request.body;
      const agentId = agentForModel(body.model, deps.config());
      if (agentId === undefined) {
        throw new ClawdbotError(
          'INVALID_REQUEST',
          `The model '${body.model}' does not exist; GET /v1/models lists the available ones`,
        );
      }
      const prompt = chatPrompt(body.messages);
      const idempotencyKey = header(request, 'idempotency-key');
      if (idempotencyKey !== undefined && idempotencyKey.length > 256) {
        throw new ClawdbotError('INVALID_REQUEST', 'idempotency-key is longer than 256 characters');
      }
      const sessionKey = sessionKeyOf(request, agentId, body.user, idempotencyKey);
      // Only a request that carries earlier messages needs to know whether the session is new.
      const hasHistory =
        prompt.earlier.length > 0 && (await agent.history(sessionKey, 1)).messages.length > 0;
      const messageId = idempotencyKey ?? randomUUID();
      const turn: ChatTurn = {
        agent,
        sessionKey,
        message: {
          messageId,
          text: messageText(prompt, hasHistory),
          channel: 'http',
          receivedAt: Date.now(),
          ...(prompt.attachments.length > 0 ? { attachments: prompt.attachments } : {}),
          ...(prompt.extraSystemPrompt ? { extraSystemPrompt: prompt.extraSystemPrompt } : {}),
        },
        base: {
          id: `chatcmpl-${messageId}`,
          created: Math.floor(Date.now() / 1000),
          model: body.model,
        },
      };
      reply.headers(runHeaders(sessionKey, messageId));
      if (body.stream) {
        const includeUsage = body.stream_options?.include_usage === true;
        return streamCompletion(reply, turn, requireBus(deps), includeUsage);
      }
      return completion(reply, turn, deps.bus);
    },
  );
}

/** The non-streaming answer: the turn's result, with usage from its run-finish event. */
async function completion(reply: FastifyReply, turn: ChatTurn, bus: EventBus | undefined) {
  const { agent, sessionKey, message, base } = turn;
  let finish: Extract<RunPart, { type: 'run-finish' }> | undefined;
  const unsubscribe = bus?.subscribe((event) => {
    if (event.runId === message.messageId && event.part.type === 'run-finish') finish = event.part;
  });
  try {
    const { runId } = await agent.send(sessionKey, message);
    const outcome = await agent.wait(runId, WAIT_TIMEOUT_MS, sessionKey);
    if (outcome.status === 'timeout') {
      throw new ClawdbotError(
        'AGENT_TIMEOUT',
        `The turn did not finish within ${WAIT_TIMEOUT_MS / 60_000} minutes; it goes on in session ${sessionKey}`,
      );
    }
    if (outcome.status === 'error') {
      throw new ClawdbotError('AGENT_ERROR', outcome.errorMessage ?? 'The agent run failed');
    }
    reply.header('x-clawdbot-run-status', outcome.status);
    return {
      ...base,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: outcome.text ?? '', refusal: null },
          logprobs: null,
          finish_reason: finishReason(finish),
        },
      ],
      ...(finish?.usage ? { usage: openAiUsage(finish.usage) } : {}),
    };
  } finally {
    unsubscribe?.();
  }
}
