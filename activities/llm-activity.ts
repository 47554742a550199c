import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Config } from '../core/config/schema.js';
import type { EventBus } from '../core/events/types.js';
import type { AssistantMessage, ToolCallBlock } from '../core/messages.js';
import { transcriptEntryId, type SessionStore } from '../core/sessions/index.js';
import type {
  FinishedTurn,
  FinishInput,
  GenerateInput,
  GenerateResult,
  PreparedTurn,
  PrepareInput,
  SkillsDeferred,
  StepReply,
} from '../workflows/types.js';
import { securityPrompt } from '../core/security/prompt.js';
import { turnWorkspace } from '../core/security/turn-access.js';
import type { SkillCatalog, SkillsSnapshot } from '../core/skills/catalog.js';
import { parseChatCommand } from '../core/context/chat-commands.js';
import { messageText, zeroUsage } from '../core/messages.js';
import { addUsage } from '../workflows/usage.js';
import type { TranscriptEntry } from '../core/sessions/index.js';
import type { ContextPlanner } from './context-planner.js';
import { requestChars } from './context-planner.js';
import { generate } from './llm/generate.js';
import type { ModelProviders } from './llm/model-ref.js';
import { LlmAbortError, LlmError, overflowInputTokens } from './llm/errors.js';
import type { LlmResponse } from './llm/stream.js';
import type { PromptParts } from './prompt-parts.js';
import { publishPart } from './publish.js';

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
  /**
   * What turn.finish does: record the turn's end (idempotent), once `recorded` (the step's
   * own transcript write, if still under way) is done.
   */
  finish: (input: FinishInput, recorded?: Promise<unknown>) => Promise<FinishedTurn>;
  /** The config as edits leave it (providers' keys and URLs apply from the next call). */
  liveConfig: () => Config;
  /** Token budgets and history selection, shared with the compaction activity. */
  planner: ContextPlanner;
  /** System prompt and tool definitions. */
  prompt: PromptParts;
  /** Model providers plugins registered (`ollama/<model>`). */
  modelProviders?: ModelProviders | undefined;
}

/** Turns whose skills are remembered (once per turn; a turn's steps reuse its list). */
const turnsRemembered = 256;

/**
 * How many transcript entries are read at most. Not what the model sees (the token budget
 * decides that): a bound on the read, so a session that never compacted (every turn fits)
 * is not read whole. Compaction keeps the live part far below it.
 */
export const historyReadLimit = 4000;

/** Calls repeated after the provider found the request too long (the estimate recalibrated). */
const overflowRetries = 2;

/** The text of the user message that started a run, if it is in the entries. */
export function runUserText(
  entries: readonly TranscriptEntry[],
  runId: string,
): string | undefined {
  const entry = entries.find((candidate) => candidate.id === transcriptEntryId.user(runId));
  return entry?.type === 'message' ? messageText(entry.message) : undefined;
}

function toolCalls(message: AssistantMessage): ToolCallBlock[] {
  return message.content.filter((block): block is ToolCallBlock => block.type === 'toolCall');
}

/** The streaming LLM call of one step, as a Temporal activity. */
export function createLlmActivity(deps: LlmActivityDeps) {
  const { toolSpecs } = deps.prompt;
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
      // A reply without tool calls ends the turn: finish it here when the workflow asked.
      // `recorded` is the reply's transcript write when still under way: finishing updates
      // the index meanwhile (two writes that wait on the disk, one after the other before).
      const final = async (
        reply: StepReply,
        recorded?: Promise<unknown>,
      ): Promise<GenerateResult> => {
        const { finishIfFinal } = request;
        if (finishIfFinal === undefined || reply.toolCalls.length > 0) {
          await recorded;
          return withPrepared(reply);
        }
        const finished = await deps.finish(
          {
            sessionKey: input.sessionKey,
            sessionId: input.sessionId,
            runId: input.runId,
            turnId: input.turnId,
            status: 'ok',
            last: reply.message,
            usage: addUsage(finishIfFinal.usageBefore, reply.message.usage),
            ...(finishIfFinal.announce ? {} : { announce: false }),
          },
          recorded,
        );
        return withPrepared({ ...reply, finished });
      };
      const session = { sessionId: input.sessionId, sessionKey: input.sessionKey };
      const entryId = transcriptEntryId.assistant(input.runId, input.step);
      const entries = await deps.store.readEntries(input.sessionId, { limit: historyReadLimit });
      // Recorded by an attempt whose worker died before reporting: reuse it, do not ask the model twice.
      const recorded = entries.find((entry) => entry.id === entryId);
      if (recorded?.type === 'message' && recorded.message.role === 'assistant') {
        publishPart(deps.bus, input, {
          type: 'message-final',
          step: input.step,
          message: recorded.message,
        });
        return final({ message: recorded.message, toolCalls: toolCalls(recorded.message) });
      }

      const command =
        input.step === 1 ? parseChatCommand(runUserText(entries, input.runId) ?? '') : undefined;
      if (command?.name === 'compact' && !input.compacted) {
        return withPrepared({ compaction: 'forced' });
      }
      if ((command?.name === 'new' || command?.name === 'reset') && command.rest === '') {
        // turn.prepare started the new session; there is nothing to ask the model.
        const message: AssistantMessage = {
          role: 'assistant',
          content: [
            {
              type: 'text',
              text: 'Started a new session. The previous conversation is kept in its transcript.',
            },
          ],
          api: 'anthropic-messages',
          provider: 'clawdbot',
          model: 'session-reset',
          usage: zeroUsage(),
          stopReason: 'stop',
          timestamp: Date.now(),
        };
        await deps.store.append(session, [
          { type: 'message', id: entryId, runId: input.runId, message },
        ]);
        publishPart(deps.bus, input, { type: 'message-final', step: input.step, message });
        return final({ message, toolCalls: [] });
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
      const turnToolSpecs = toolSpecs.filter((spec) => allowed(spec.name));
      // The first call prepared the turn here: the plugins' context is not in the
      // workflow's extraSystemPrompt yet (later steps carry it, in the same place).
      const extra = [securityPrompt(access), input.extraSystemPrompt, prepared?.pluginContext]
        .filter(Boolean)
        .join('\n\n');
      const system = deps.prompt.system({
        extra,
        skills,
        workspaceDir: turnWorkspace(access, deps),
        allowed,
      });
      const budget = deps.planner.budget(input.models, system, turnToolSpecs);
      let planned = deps.planner.plan(entries, budget);
      if (planned.needsCompaction && !input.compacted) {
        return withPrepared({ compaction: 'needed' });
      }
      let text = '';
      // Heartbeat on a timer, not only per chunk: a model may think for a long time before
      // its first token, and the heartbeat is how Temporal tells a live worker from a dead one.
      const beat = setInterval(() => context.heartbeat(), 2000);
      // Per chunk too, but at most every half second: a model streams hundreds of chunks a
      // reply, and the SDK sends at most one heartbeat a second anyway. Not in the first half
      // second: the SDK sends an activity's first heartbeat at once, a server write (~2 ms of
      // its CPU) that tells it nothing the activity's start did not, and a short reply is
      // over before one is needed (a cancellation then reaches the call at its first beat).
      let lastBeat = Date.now();
      const beatOnChunk = () => {
        const now = Date.now();
        if (now - lastBeat < 500) return;
        lastBeat = now;
        context.heartbeat();
      };
      try {
        const call = (messages: typeof planned.messages) =>
          generate({
            models: input.models,
            system,
            messages,
            // The compaction summary in front changes only at the next compaction.
            stableMessages: planned.view.compaction ? 1 : 0,
            tools: turnToolSpecs,
            maxTokens: budget.replyTokens,
            signal: context.cancellationSignal,
            providers: deps.liveConfig().providers,
            modelProviders: deps.modelProviders,
            // A stream silent for 5 minutes is stalled; retrying beats waiting out the 10-minute timeout.
            idleTimeoutMs: 5 * 60_000,
            onChunk: beatOnChunk,
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
        let response: LlmResponse | undefined;
        for (let retry = 0; !response; retry++) {
          const request = { system, tools: turnToolSpecs, messages: planned.messages };
          try {
            response = await call(planned.messages);
            const { usage } = response;
            if (`${response.provider}/${response.model}` === budget.model) {
              deps.planner.calibrate(
                budget.model,
                request,
                usage.input + usage.cacheRead + usage.cacheWrite,
              );
            }
          } catch (error) {
            if (
              !(error instanceof LlmError) ||
              error.code !== 'LLM_CONTEXT_OVERFLOW' ||
              retry >= overflowRetries
            )
              throw error;
            // Our estimate was short: learn the provider's count (or assume a third more)
            // and fit again, rather than failing the turn.
            const chars = requestChars(request, deps.planner.estimator);
            const counted = overflowInputTokens(error.message);
            const estimated = Math.ceil(chars / deps.planner.estimator.charsPerToken(budget.model));
            deps.planner.estimator.calibrate(
              budget.model,
              chars,
              counted !== undefined && counted > estimated ? counted : Math.ceil(estimated * 1.33),
            );
            planned = deps.planner.plan(
              entries,
              deps.planner.budget(input.models, system, turnToolSpecs),
            );
          }
        }
        const message: AssistantMessage = { role: 'assistant', ...response, timestamp: Date.now() };
        const recorded = deps.store
          .append(session, [{ type: 'message', id: entryId, runId: input.runId, message }])
          .then(() =>
            publishPart(deps.bus, input, { type: 'message-final', step: input.step, message }),
          );
        // Awaited by final(); this handler only keeps a failure that final() never reached
        // (it threw first) from being an unhandled rejection.
        recorded.catch(() => undefined);
        return await final({ message, toolCalls: toolCalls(message) }, recorded);
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
