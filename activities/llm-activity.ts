import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Config } from '../core/config/schema.js';
import type { EventBus } from '../core/events/types.js';
import type { AssistantMessage, ToolCallBlock } from '../core/messages.js';
import { transcriptEntryId, type SessionStore } from '../core/sessions/index.js';
import type {
  GenerateInput,
  GenerateResult,
  PreparedTurn,
  PrepareInput,
  SkillsDeferred,
} from '../workflows/types.js';
import { securityPrompt } from '../core/security/prompt.js';
import { turnWorkspace } from '../core/security/turn-access.js';
import type { SkillCatalog, SkillsSnapshot } from '../core/skills/catalog.js';
import { buildSystemPrompt, contextWindow } from './context.js';
import { generate } from './llm/generate.js';
import { LlmAbortError, LlmError } from './llm/errors.js';
import { publishPart } from './publish.js';
import { tools } from './tools/index.js';
import { toolJsonSchema } from './tools/tool.js';

/** What the LLM activity needs. */
export interface LlmActivityDeps {
  config: Config;
  store: SessionStore;
  bus: EventBus;
  workspaceDir: string;
  /** This host's skills. */
  skills: SkillCatalog;
  /** This worker's host id: a session owned by another host gets its skills from there. */
  hostId: string;
  /** Where sandboxed sessions of others get their own workspaces. */
  sandboxesDir: string;
  /** Resolve the session, record the user messages, announce the run (idempotent). */
  prepare: (input: PrepareInput) => Promise<PreparedTurn>;
}

/** Turns whose skills are remembered (once per turn; a turn's steps reuse its list). */
const turnsRemembered = 256;

/** How many transcript entries the model sees. */
const windowEntries = 400;

function toolCalls(message: AssistantMessage): ToolCallBlock[] {
  return message.content.filter((block): block is ToolCallBlock => block.type === 'toolCall');
}

/** The streaming LLM call of one step, as a Temporal activity. */
export function createLlmActivity(deps: LlmActivityDeps) {
  const toolSpecs = tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: toolJsonSchema(tool),
  }));
  // Eligibility is computed once per turn: later steps see the list the turn started with.
  const perTurn = new Map<string, SkillsSnapshot>();
  const turnSkills = (runId: string, command: string | undefined): SkillsSnapshot => {
    const known = perTurn.get(runId);
    if (known) return known;
    const snapshot = deps.skills.snapshot(command);
    perTurn.set(runId, snapshot);
    if (perTurn.size > turnsRemembered) perTurn.delete(perTurn.keys().next().value!);
    return snapshot;
  };
  return {
    async 'llm.generate'(request: GenerateInput): Promise<GenerateResult | SkillsDeferred> {
      const context = Context.current();
      // The turn's first call prepares it: no separate activity before the first LLM byte.
      // A retried attempt prepares again, which changes nothing the first one recorded.
      const prepared = request.prepare ? await deps.prepare(request.prepare) : undefined;
      const input = prepared ? { ...request, sessionId: prepared.sessionId } : request;
      // Skills are the session host's (its PATH, env, folders). Another host's session
      // gets them from that host, through the workflow (skills.snapshot on its queue).
      const owner = prepared?.host ?? request.host;
      if (request.skills === undefined && owner !== undefined && owner !== deps.hostId) {
        return { deferred: 'skills', ...(prepared ? { prepared } : {}) };
      }
      const skills = request.skills ?? turnSkills(input.runId, request.skillCommand);
      const withPrepared = (result: GenerateResult): GenerateResult => ({
        ...result,
        ...(prepared ? { prepared } : {}),
        ...(owner !== undefined && request.skills === undefined ? { skills } : {}),
      });
      const session = { sessionId: input.sessionId, sessionKey: input.sessionKey };
      const entryId = transcriptEntryId.assistant(input.runId, input.step);
      const entries = await deps.store.readEntries(input.sessionId, { limit: windowEntries });
      // Recorded by an attempt whose worker died before reporting: reuse it, do not ask the model twice.
      const recorded = entries.find((entry) => entry.id === entryId);
      if (recorded?.type === 'message' && recorded.message.role === 'assistant') {
        publishPart(deps.bus, input, {
          type: 'message-final',
          step: input.step,
          message: recorded.message,
        });
        return withPrepared({ message: recorded.message, toolCalls: toolCalls(recorded.message) });
      }

      const attempt = context.info.attempt;
      if (attempt > 1) {
        publishPart(deps.bus, input, {
          type: 'stream-retry',
          step: input.step,
          attempt,
          reason: 'the previous attempt failed; restarting the reply',
        });
      }
      publishPart(deps.bus, input, {
        type: 'step-start',
        step: input.step,
        model: input.models[0] ?? '',
      });
      // The model is offered exactly the tools the turn's policy allows (all of them in a
      // history recorded before policies existed).
      const access = prepared?.access ?? input.access;
      const allowed = (name: string) => !access || access.allowed.includes(name);
      const extra = [securityPrompt(access), input.extraSystemPrompt].filter(Boolean).join('\n\n');
      const system = buildSystemPrompt({
        workspaceDir: turnWorkspace(access, deps),
        tools: tools.filter((tool) => allowed(tool.name)),
        skills,
        ...(deps.config.agent.systemPrompt !== undefined
          ? { basePrompt: deps.config.agent.systemPrompt }
          : {}),
        extra,
      });
      let text = '';
      // Heartbeat on a timer, not only per chunk: a model may think for a long time before
      // its first token, and the heartbeat is how Temporal tells a live worker from a dead one.
      const beat = setInterval(() => context.heartbeat(), 2000);
      try {
        const response = await generate({
          models: input.models,
          system,
          messages: contextWindow(entries),
          tools: toolSpecs.filter((spec) => allowed(spec.name)),
          maxTokens: 8192,
          signal: context.cancellationSignal,
          providers: deps.config.providers,
          // A stream silent for 5 minutes is stalled; retrying beats waiting out the 10-minute timeout.
          idleTimeoutMs: 5 * 60_000,
          onChunk: () => context.heartbeat(),
          onTextDelta: (delta) => {
            if (context.cancellationSignal.aborted) return; // the turn is over for its clients
            text += delta;
            publishPart(deps.bus, input, { type: 'text-delta', step: input.step, delta, text });
          },
          onRestart: (reason) => {
            text = '';
            publishPart(deps.bus, input, {
              type: 'stream-retry',
              step: input.step,
              attempt,
              reason,
            });
          },
        });
        const message: AssistantMessage = { role: 'assistant', ...response, timestamp: Date.now() };
        await deps.store.append(session, [
          { type: 'message', id: entryId, runId: input.runId, message },
        ]);
        publishPart(deps.bus, input, { type: 'message-final', step: input.step, message });
        return withPrepared({ message, toolCalls: toolCalls(message) });
      } catch (error) {
        // Rethrow Temporal's own cancellation so the server records the activity as cancelled.
        if (error instanceof LlmAbortError && error.cause instanceof Error) throw error.cause;
        if (error instanceof LlmError) {
          if (error.kind === 'fatal')
            throw ApplicationFailure.nonRetryable(error.message, 'LlmFatalError', {
              status: error.status,
              code: error.code,
            });
          throw ApplicationFailure.create({
            message: error.message,
            type: 'LlmRetryableError',
            details: [{ status: error.status, code: error.code }],
            ...(error.retryAfterMs !== undefined ? { nextRetryDelay: error.retryAfterMs } : {}),
          });
        }
        throw error;
      } finally {
        clearInterval(beat);
      }
    },
  };
}
