/**
 * Compaction as activities of its own: `context.compact` summarises the older part of a
 * session's live history with one model (retried by Temporal, visible in its UI), and
 * `context.truncate` is the fallback when that failed twice, dropping the older part with
 * a marker. Either writes a compaction entry that later calls start from; the transcript
 * above it is never changed.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Config } from '../core/config/schema.js';
import { keepFrom } from '../core/context/history-view.js';
import type { EventBus } from '../core/events/types.js';
import { zeroUsage, type AssistantMessage, type Message } from '../core/messages.js';
import {
  transcriptEntryId,
  type CompactionEntry,
  type SessionStore,
  type TranscriptEntry,
} from '../core/sessions/index.js';
import type { CompactInput, CompactResult } from '../workflows/types.js';
import type { ContextPlanner } from './context-planner.js';
import { historyReadLimit } from './llm-activity.js';
import { LlmError } from './llm/errors.js';
import type { PromptParts } from './prompt-parts.js';
import { publishPart } from './publish.js';
import { summarizeMessages } from './summarize.js';
import type { ModelProviders } from './llm/model-ref.js';

/** What compaction needs. */
export interface CompactionDeps {
  config: () => Config;
  store: SessionStore;
  bus: EventBus;
  planner: ContextPlanner;
  prompt: PromptParts;
  /** Model providers plugins registered (`ollama/<model>`). */
  modelProviders?: ModelProviders | undefined;
}

/** What is compacted: the messages before `keep`, their estimated tokens, the earlier summary. */
interface Split {
  entries: TranscriptEntry[];
  older: Message[];
  tokensBefore: number;
  previous?: CompactionEntry;
  firstKeptEntryId?: string;
  compactedBefore: number;
}

function reply(text: string): AssistantMessage {
  return {
    role: 'assistant',
    content: [{ type: 'text', text }],
    api: 'anthropic-messages',
    provider: 'clawdbot',
    model: 'compaction',
    usage: zeroUsage(),
    stopReason: 'stop',
    timestamp: Date.now(),
  };
}

/** The compaction activities. */
export function createCompactionActivities(deps: CompactionDeps) {
  const split = async (input: CompactInput): Promise<Split> => {
    const entries = await deps.store.readEntries(input.sessionId, { limit: historyReadLimit });
    const budget = deps.planner.budget(input.models, deps.prompt.system(), deps.prompt.toolSpecs);
    const { view, pruned } = deps.planner.prunedView(entries, budget);
    const cost = (message: Message) => deps.planner.cost(budget, message);
    const items = pruned.map((message, index) => ({
      entryId: view.items[index]!.entryId,
      message,
    }));
    // /compact summarises everything before itself; otherwise the newest turns that fit stay.
    const keep = input.force
      ? Math.max(
          0,
          items.findLastIndex((item) => item.message.role === 'user'),
        )
      : keepFrom(items, Math.floor(budget.room * deps.config().agent.compaction.keepRatio), cost);
    const older = pruned.slice(0, keep);
    return {
      entries,
      older,
      tokensBefore: older.reduce((sum, message) => sum + cost(message), 0),
      ...(view.compaction ? { previous: view.compaction } : {}),
      ...(items[keep] ? { firstKeptEntryId: items[keep].entryId } : {}),
      compactedBefore: view.compaction?.messagesCompacted ?? 0,
    };
  };

  /** The turn's answer to a /compact: recorded as its assistant message and published. */
  const answerCompact = async (input: CompactInput, text: string) => {
    const message = reply(text);
    await deps.store.append({ sessionId: input.sessionId, sessionKey: input.sessionKey }, [
      {
        type: 'message',
        id: transcriptEntryId.assistant(input.runId, input.step),
        runId: input.runId,
        message,
      },
    ]);
    publishPart(deps.bus, input, { type: 'message-final', step: input.step, message });
    return message;
  };

  /** Write the entry (and answer a /compact); a retried attempt finds what it wrote. */
  const record = async (
    input: CompactInput,
    entry: Omit<CompactionEntry, 'ts'>,
    answer: string,
  ): Promise<CompactResult> => {
    await deps.store.append({ sessionId: input.sessionId, sessionKey: input.sessionKey }, [entry]);
    const result: CompactResult = { mode: entry.mode, messagesCompacted: entry.messagesCompacted };
    if (!input.force) return result;
    return { ...result, reply: await answerCompact(input, answer) };
  };

  /** No older messages to summarise: nothing is written; a /compact says so. */
  const historyTooShort = async (input: CompactInput): Promise<CompactResult> => {
    const result: CompactResult = { mode: 'none', messagesCompacted: 0 };
    if (!input.force) return result;
    const text = 'Nothing to compact yet: the conversation is short enough as it is.';
    return { ...result, reply: await answerCompact(input, text) };
  };

  return {
    /** Summarise the older part of the live history into a compaction entry. */
    async 'context.compact'(input: CompactInput): Promise<CompactResult> {
      const context = Context.current();
      const parts = await split(input);
      const id = transcriptEntryId.compaction(input.runId, input.step);
      const done = parts.entries.find((entry) => entry.id === id);
      if (done?.type === 'compaction') {
        return { mode: done.mode, messagesCompacted: done.messagesCompacted };
      }
      if (parts.older.length === 0) return historyTooShort(input);
      const beat = setInterval(() => context.heartbeat(), 2000);
      let summary: string;
      try {
        summary = await summarizeMessages(parts.older, parts.previous?.summary, {
          models: input.models,
          providers: deps.config().providers,
          modelProviders: deps.modelProviders,
          planner: deps.planner,
          signal: context.cancellationSignal,
          onChunk: () => context.heartbeat(),
        });
      } catch (error) {
        if (error instanceof LlmError && error.kind === 'fatal') {
          // Another attempt would fail alike: go straight to the truncation fallback.
          throw ApplicationFailure.nonRetryable(error.message, 'CompactionFailed', {
            code: error.code,
          });
        }
        throw error;
      } finally {
        clearInterval(beat);
      }
      const messagesCompacted = parts.compactedBefore + parts.older.length;
      return record(
        input,
        {
          type: 'compaction',
          id,
          runId: input.runId,
          mode: 'summary',
          summary,
          ...(parts.firstKeptEntryId ? { firstKeptEntryId: parts.firstKeptEntryId } : {}),
          messagesCompacted,
          tokensBefore: parts.tokensBefore,
        },
        `Compacted the conversation: ${parts.older.length} earlier messages (about ${parts.tokensBefore} tokens) are now a summary.`,
      );
    },

    /** After compaction failed: leave the older part out, with a marker saying so. */
    async 'context.truncate'(input: CompactInput): Promise<CompactResult> {
      const parts = await split(input);
      const id = transcriptEntryId.compaction(input.runId, input.step);
      const done = parts.entries.find((entry) => entry.id === id);
      if (done?.type === 'compaction') {
        return { mode: done.mode, messagesCompacted: done.messagesCompacted };
      }
      if (parts.older.length === 0) return historyTooShort(input);
      const note = `[${parts.older.length} earlier messages were left out: summarising them failed.]`;
      const summary = parts.previous ? `${parts.previous.summary}\n\n${note}` : note;
      return record(
        input,
        {
          type: 'compaction',
          id,
          runId: input.runId,
          mode: 'truncation',
          summary,
          ...(parts.firstKeptEntryId ? { firstKeptEntryId: parts.firstKeptEntryId } : {}),
          messagesCompacted: parts.compactedBefore + parts.older.length,
          tokensBefore: parts.tokensBefore,
        },
        `Summarising failed, so ${parts.older.length} earlier messages were left out of the context instead.`,
      );
    },
  };
}
