/**
 * The token budget of one LLM call: the system prompt, the tool definitions and the reply
 * budget are set aside first; the history gets what is left, filled newest-first after old
 * tool results are pruned. Shared by the LLM and compaction activities so both measure the
 * same way, with one estimator calibrated by every call's reported usage.
 */
import type { Config } from '../core/config/schema.js';
import { fitHistory, messageTokens } from '../core/context/fit-history.js';
import {
  historyView,
  keepFrom,
  summaryMessage,
  type HistoryView,
} from '../core/context/history-view.js';
import { modelLimits, type ModelLimits } from '../core/context/model-limits.js';
import { defaultPruneOptions, pruneToolResults } from '../core/context/prune-tool-results.js';
import { jsonLength, TokenEstimator } from '../core/context/token-estimate.js';
import type { Message } from '../core/messages.js';
import type { TranscriptEntry } from '../core/sessions/index.js';
import type { ToolSpec } from './llm/convert.js';

/** Estimates are calibrated, but a call that fails costs more than a little unused room. */
const safety = 0.95;
/** A single tool result never takes more than this share of the history's room. */
const largestResultShare = 0.25;

/** How one call's tokens are divided. */
export interface CallBudget {
  /** The model the estimate is calibrated for (the primary). */
  model: string;
  limits: ModelLimits;
  /** The request's max_tokens. */
  replyTokens: number;
  /** System prompt and tool definitions. */
  fixedTokens: number;
  /** What the history (summary included) may take. */
  room: number;
}

/** The history a call sends, and whether it is time to compact. */
export interface PlannedHistory {
  messages: Message[];
  /** Estimated tokens of `messages`. */
  tokens: number;
  /** Estimated tokens of the whole live history (summary and every pruned message). */
  liveTokens: number;
  /** Older messages not sent because they did not fit. */
  dropped: number;
  /** Messages a compaction would summarise (older than the turns it keeps). */
  compactable: number;
  /** The live history passed agent.compaction.thresholdRatio and there is something to compact. */
  needsCompaction: boolean;
  view: HistoryView;
}

/** Budgets and history selection over a process-wide calibrated estimator. */
export class ContextPlanner {
  readonly estimator = new TokenEstimator();

  constructor(private readonly config: () => Config) {}

  /** The tightest limits among the models a call may use (the primary and its fallbacks). */
  limits(models: readonly string[]): ModelLimits {
    const { contextTokens } = this.config().agent;
    const all = (models.length > 0 ? models : ['unknown']).map((model) =>
      modelLimits(model, contextTokens),
    );
    return {
      contextWindow: Math.min(...all.map((limits) => limits.contextWindow)),
      maxOutput: Math.min(...all.map((limits) => limits.maxOutput)),
    };
  }

  /** How a call with this system prompt and these tools divides the window. */
  budget(models: readonly string[], system: string, tools: readonly ToolSpec[]): CallBudget {
    const model = models[0] ?? 'unknown';
    const limits = this.limits(models);
    const fixedTokens =
      this.estimator.count(model, system) +
      (tools.length > 0 ? this.estimator.count(model, tools) : 0);
    const room = Math.max(
      0,
      Math.floor((limits.contextWindow - limits.maxOutput - fixedTokens) * safety),
    );
    return { model, limits, replyTokens: limits.maxOutput, fixedTokens, room };
  }

  /** Estimated tokens of one message for the budget's model. */
  cost(budget: CallBudget, message: Message): number {
    return messageTokens(this.estimator, budget.model, message);
  }

  /** The pruned live history of some transcript entries, with its summary first. */
  prunedView(entries: readonly TranscriptEntry[], budget: CallBudget) {
    const view = historyView(entries);
    const hardChars = Math.floor(
      budget.room * largestResultShare * this.estimator.charsPerToken(budget.model),
    );
    const pruned = pruneToolResults(
      view.items.map((item) => item.message),
      { ...defaultPruneOptions, hardChars: Math.max(1_000, hardChars) },
    );
    const summary = view.compaction ? summaryMessage(view.compaction) : undefined;
    return { view, pruned, summary };
  }

  /** Choose what a call sends from the transcript, within its budget. */
  plan(entries: readonly TranscriptEntry[], budget: CallBudget): PlannedHistory {
    const { view, pruned, summary } = this.prunedView(entries, budget);
    const cost = (message: Message) => this.cost(budget, message);
    const summaryTokens = summary ? cost(summary) : 0;
    const costs = pruned.map(cost);
    const liveTokens = summaryTokens + costs.reduce((sum, value) => sum + value, 0);
    const { compaction } = this.config().agent;
    const keep = keepFrom(
      pruned.map((message, index) => ({ entryId: view.items[index]!.entryId, message })),
      Math.floor(budget.room * compaction.keepRatio),
      cost,
    );
    const known = new Map(pruned.map((message, index) => [message, costs[index] ?? 0]));
    const fitted = fitHistory(
      pruned,
      Math.max(0, budget.room - summaryTokens),
      (message) => known.get(message) ?? cost(message),
    );
    return {
      messages: summary ? [summary, ...fitted.messages] : fitted.messages,
      tokens: summaryTokens + fitted.tokens,
      liveTokens,
      dropped: fitted.dropped,
      compactable: keep,
      needsCompaction: keep > 0 && liveTokens > budget.room * compaction.thresholdRatio,
      view,
    };
  }

  /**
   * Learn from a provider's count of a request's input tokens. The characters are measured
   * the way estimates measure them (our message JSON, not the provider's body), so the
   * ratio absorbs the difference between the two.
   */
  calibrate(model: string, request: RequestShape, inputTokens: number): void {
    this.estimator.calibrate(model, requestChars(request, this.estimator), inputTokens);
  }
}

/** The parts of a request that estimates count. */
export interface RequestShape {
  system: string;
  tools: readonly ToolSpec[];
  messages: readonly Message[];
}

/** Characters of a request as estimates count them (through the estimator's memo when given). */
export function requestChars(
  request: RequestShape,
  measure: { jsonLength(value: unknown): number } = { jsonLength },
): number {
  return (
    request.system.length +
    (request.tools.length > 0 ? measure.jsonLength(request.tools) : 0) +
    request.messages.reduce((sum, message) => sum + measure.jsonLength(message), 0)
  );
}
