import { ClawdbotError } from '../../core/errors.js';
import { agentParams, agentFinalResult } from '../../core/protocol/index.js';
import { toInboundAttachments } from './attachments.js';
import { requireAgent, sessionKeyOf } from './deps.js';
import { defineMethod } from './types.js';

const DEFAULT_TIMEOUT_SECONDS = 600;

/**
 * `agent`: run a turn and answer twice with the same id: `{runId, status:"accepted"}`
 * at once, then the outcome. The wait is on the run (a Temporal workflow), so a gateway
 * restart loses only this answer, never the turn; `agent.wait` recovers it.
 */
export const agentMethod = defineMethod({
  method: 'agent',
  params: agentParams,
  result: agentFinalResult,
  async handler(params, context) {
    const agent = requireAgent(context);
    const agentId = params.agentId ?? context.gateway.config().agent.id;
    const sessionKey = sessionKeyOf(context, params.sessionKey || `agent:${agentId}:main`);
    const attachments = toInboundAttachments(params.attachments);
    const { runId } = await agent.send(sessionKey, {
      messageId: params.idempotencyKey,
      text: params.message,
      channel: params.channel || 'webchat',
      receivedAt: Date.now(),
      ...(attachments === undefined ? {} : { attachments }),
      ...(params.extraSystemPrompt === undefined
        ? {}
        : { extraSystemPrompt: params.extraSystemPrompt }),
    });
    context.accept({ runId, status: 'accepted', acceptedAt: Date.now() });

    const timeoutMs = (params.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
    const outcome = await agent.wait(runId, timeoutMs, sessionKey);
    switch (outcome.status) {
      case 'ok':
      case 'aborted':
        return {
          runId,
          status: 'ok' as const,
          summary: outcome.status === 'ok' ? 'completed' : 'aborted',
          result: {
            payloads: outcome.text ? [{ text: outcome.text }] : [],
            meta: { aborted: outcome.status === 'aborted' },
          },
        };
      case 'timeout':
        throw new ClawdbotError(
          'AGENT_TIMEOUT',
          `run ${runId} did not finish within ${timeoutMs} ms; agent.wait can pick it up`,
          { runId, status: 'timeout' },
        );
      case 'error':
        throw new ClawdbotError('UNAVAILABLE', outcome.errorMessage ?? `run ${runId} failed`, {
          runId,
          status: 'error',
        });
    }
  },
});
