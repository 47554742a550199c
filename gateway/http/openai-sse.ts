/**
 * The streaming answer of POST /v1/chat/completions: `chat.completion.chunk` events over
 * SSE while the run's events arrive on the bus, then `data: [DONE]`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply } from 'fastify';
import type { ErrorShape } from '../../core/errors.js';
import type { EventBus, RunPart } from '../../core/events/types.js';
import type { Usage } from '../../core/messages.js';
import type { AgentService, InboundMessage, RunOutcome } from '../../core/agent/agent-service.js';
import { errorBody } from './errors.js';
import {
  createStreamedText,
  finishReason,
  followRun,
  openAiUsage,
  sseData,
} from './openai-stream.js';

/** Longest a request waits for its turn (the turn itself goes on in its session). */
export const WAIT_TIMEOUT_MS = 10 * 60_000;
/** How long a run's last events may trail its Temporal result (worker in another process). */
const EVENT_GRACE_MS = 1_000;
/** Comment lines that keep idle proxies from closing the stream during a long tool run. */
const KEEPALIVE_MS = 15_000;

/** One completion, once the request is understood. */
export interface ChatTurn {
  agent: AgentService;
  sessionKey: string;
  message: InboundMessage;
  /** Fields shared by the completion and every chunk. */
  base: { id: string; created: number; model: string };
}

/**
 * Headers naming the session and run, so a client can continue the conversation or abort
 * the run. A value HTTP cannot carry (a `user` with non-ASCII characters) is left out.
 */
export function runHeaders(sessionKey: string, runId: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const printable = /^[\x20-\x7e]+$/;
  if (printable.test(sessionKey)) headers['x-clawdbot-session-key'] = sessionKey;
  if (printable.test(runId)) headers['x-clawdbot-run-id'] = runId;
  return headers;
}

type RunFinish = Extract<RunPart, { type: 'run-finish' }>;
/** How a stream ends: the run's finish event, its Temporal result, or the client leaving. */
type StreamEnd = { finish: RunFinish } | { outcome: RunOutcome } | { gone: true };

/** Stream a turn; an error before the first byte (send failed) is thrown to the handler. */
export async function streamCompletion(
  reply: FastifyReply,
  turn: ChatTurn,
  bus: EventBus,
  includeUsage: boolean,
): Promise<FastifyReply> {
  const { agent, sessionKey, message, base } = turn;
  const follower = followRun(bus, message.messageId);
  let runId: string;
  try {
    ({ runId } = await agent.send(sessionKey, message));
  } catch (error) {
    follower.close();
    throw error;
  }
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    ...runHeaders(sessionKey, runId),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  const write = (data: unknown) => raw.write(sseData(data));
  const out = {
    chunk: (delta: { role?: 'assistant'; content?: string }, reason: string | null = null) =>
      write({
        ...base,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: reason }],
      }),
    usage: (usage: Usage) =>
      write({ ...base, object: 'chat.completion.chunk', choices: [], usage: openAiUsage(usage) }),
    error: (shape: ErrorShape) => write(errorBody(shape, 'openai')),
  };

  const keepalive = setInterval(() => raw.write(': keep-alive\n\n'), KEEPALIVE_MS);
  const gone = new Promise<StreamEnd>((resolve) =>
    raw.once('close', () => resolve({ gone: true })),
  );
  // The fallback end: a retried idempotent request's run may have finished long ago, and
  // a networked bus may lose the last event; Temporal still has the result.
  const waited = agent.wait(runId, WAIT_TIMEOUT_MS, sessionKey).then(
    async (outcome): Promise<StreamEnd> => {
      if (outcome.status !== 'timeout') await sleep(EVENT_GRACE_MS);
      return { outcome };
    },
    (error: unknown): StreamEnd => ({
      outcome: { runId, status: 'error', errorMessage: String(error) },
    }),
  );
  const text = createStreamedText();
  out.chunk({ role: 'assistant', content: '' });
  try {
    let end: StreamEnd | undefined;
    while (end === undefined) {
      const next = await Promise.race([follower.next().then((event) => ({ event })), waited, gone]);
      if (!('event' in next)) end = next;
      else if (next.event === undefined) end = { gone: true };
      else {
        const content = text.onPart(next.event.part);
        if (content !== '') out.chunk({ content });
        if (next.event.part.type === 'run-finish') end = { finish: next.event.part };
      }
    }
    if ('gone' in end) return reply;
    const finish = 'finish' in end ? end.finish : undefined;
    const outcome = 'outcome' in end ? end.outcome : undefined;
    const status = finish?.status ?? outcome?.status;
    if (status === 'error' || status === 'timeout') {
      out.error(
        status === 'timeout'
          ? { code: 'AGENT_TIMEOUT', message: 'The turn did not finish in time' }
          : {
              code: 'AGENT_ERROR',
              message: finish?.errorMessage ?? outcome?.errorMessage ?? 'The agent run failed',
            },
      );
    } else {
      if (outcome?.status === 'ok') {
        const content = text.settle(outcome.text ?? '');
        if (content !== '') out.chunk({ content });
      }
      out.chunk({}, finishReason(finish));
      if (includeUsage && finish?.usage) out.usage(finish.usage);
    }
    write('[DONE]');
  } finally {
    clearInterval(keepalive);
    follower.close();
    raw.end();
  }
  return reply;
}
