/**
 * Summarise older conversation with one model, sized so no request can overflow: the
 * messages are rendered as lines, grouped into chunks that fit the summary call's budget,
 * each chunk summarised, then the summaries summarised in turn until one remains. A
 * request the provider still finds too long recalibrates the estimate and starts over.
 */
import type { Config } from '../core/config/schema.js';
import { headAndTail } from '../core/context/prune-tool-results.js';
import type { Message } from '../core/messages.js';
import type { ContextPlanner } from './context-planner.js';
import { generate } from './llm/generate.js';
import { LlmError, overflowInputTokens } from './llm/errors.js';
import type { ModelProviders } from './llm/model-ref.js';

/** What a summary needs besides the messages. */
export interface SummarizeOptions {
  models: string[];
  providers: Config['providers'];
  /** Model providers plugins registered (`ollama/<model>`). */
  modelProviders?: ModelProviders | undefined;
  planner: ContextPlanner;
  signal?: AbortSignal | undefined;
  /** Proof of life while the summary streams (the activity heartbeats). */
  onChunk?: () => void;
}

/** The model is told this; tests recognise summary requests by its first words. */
export const summaryInstructions =
  'You compress conversations. Summarise the conversation below so an assistant can continue ' +
  'it without the original: the user’s goals and preferences, facts and decisions established, ' +
  'files, commands and things created or changed, and open tasks and questions. Keep names, ' +
  'numbers, paths and identifiers exact. Write in the conversation’s language, as plain notes.';

const maxDepth = 6;
const maxRestarts = 3;
/** A tool result in a summary request keeps at most this many characters. */
const toolResultChars = 2_000;

/** One message as a line of the text to summarise. */
export function renderMessage(message: Message): string {
  switch (message.role) {
    case 'user':
      return `User: ${message.content.map((block) => (block.type === 'text' ? block.text : '[image]')).join('\n')}`;
    case 'assistant':
      return `Assistant: ${message.content
        .map((block) =>
          block.type === 'text'
            ? block.text
            : `[called ${block.name} ${headAndTail(JSON.stringify(block.arguments), 400)}]`,
        )
        .join('\n')}`;
    case 'toolResult': {
      const images = message.images?.length ? `\n[${message.images.length} image(s)]` : '';
      const text = message.content.map((block) => block.text).join('\n') + images;
      return `Tool ${message.toolName}${message.isError ? ' (error)' : ''}: ${headAndTail(text, toolResultChars)}`;
    }
  }
}

/** A summary of `messages`, continuing `previous` (an earlier compaction's summary). */
export async function summarizeMessages(
  messages: readonly Message[],
  previous: string | undefined,
  options: SummarizeOptions,
): Promise<string> {
  const lines = messages.map(renderMessage);
  if (previous) lines.unshift(`Summary of what came before:\n${previous}`);
  for (let restart = 0; ; restart++) {
    try {
      return await summarizeLines(lines, options, 0);
    } catch (error) {
      if (!(error instanceof TooLong) || restart >= maxRestarts) throw unwrap(error);
      // The estimate was learned from the overflow: chunk again, smaller.
    }
  }
}

/** A summary request the provider found too long (the estimate has been corrected). */
class TooLong extends Error {
  constructor(override readonly cause: LlmError) {
    super(cause.message);
  }
}

function unwrap(error: unknown): unknown {
  return error instanceof TooLong ? error.cause : error;
}

async function summarizeLines(
  lines: readonly string[],
  options: SummarizeOptions,
  depth: number,
): Promise<string> {
  const { planner, models } = options;
  const model = models[0] ?? 'unknown';
  const limits = planner.limits(models);
  const replyTokens = Math.max(
    256,
    Math.min(limits.maxOutput, 2_048, Math.floor(limits.contextWindow / 8)),
  );
  const overhead = planner.estimator.count(model, summaryInstructions) + 64;
  const chunkBudget = Math.floor((limits.contextWindow - replyTokens - overhead) * 0.9);
  const maxLineChars = Math.floor(chunkBudget * planner.estimator.charsPerToken(model) * 0.9);

  const chunks: string[][] = [[]];
  let used = 0;
  for (const raw of lines) {
    const line = headAndTail(raw, maxLineChars);
    const tokens = planner.estimator.count(model, line) + 2;
    if (used + tokens > chunkBudget && chunks.at(-1)!.length > 0) {
      chunks.push([]);
      used = 0;
    }
    chunks.at(-1)!.push(line);
    used += tokens;
  }
  const summaries: string[] = [];
  for (const chunk of chunks)
    summaries.push(await summaryCall(chunk.join('\n\n'), replyTokens, options));
  if (summaries.length === 1) return summaries[0]!;
  if (depth >= maxDepth)
    throw new Error('summaries did not converge: the summary model writes too much');
  return summarizeLines(
    summaries.map(
      (summary, index) => `Summary of part ${index + 1} of ${summaries.length}:\n${summary}`,
    ),
    options,
    depth + 1,
  );
}

async function summaryCall(
  text: string,
  replyTokens: number,
  options: SummarizeOptions,
): Promise<string> {
  const model = options.models[0] ?? 'unknown';
  const content = `Conversation to summarise:\n\n${text}`;
  const message: Message = {
    role: 'user',
    content: [{ type: 'text', text: content }],
    timestamp: 0,
  };
  const request = { system: summaryInstructions, tools: [], messages: [message] };
  try {
    const response = await generate({
      models: options.models,
      system: summaryInstructions,
      messages: [message],
      tools: [],
      maxTokens: replyTokens,
      signal: options.signal,
      providers: options.providers,
      modelProviders: options.modelProviders,
      idleTimeoutMs: 5 * 60_000,
      ...(options.onChunk ? { onChunk: options.onChunk } : {}),
    });
    const summary = response.content
      .flatMap((block) => (block.type === 'text' ? [block.text] : []))
      .join('')
      .trim();
    // A server that ignores max_tokens must not hand the next turn an oversized summary.
    const cap = Math.floor(replyTokens * options.planner.estimator.charsPerToken(model));
    return headAndTail(summary || '(nothing to summarise)', cap);
  } catch (error) {
    if (!(error instanceof LlmError) || error.code !== 'LLM_CONTEXT_OVERFLOW') throw error;
    const { planner } = options;
    const estimated =
      planner.estimator.count(model, content) + planner.estimator.count(model, summaryInstructions);
    const counted = overflowInputTokens(error.message);
    planner.calibrate(
      model,
      request,
      counted !== undefined && counted > estimated ? counted : Math.ceil(estimated * 1.33),
    );
    throw new TooLong(error);
  }
}
