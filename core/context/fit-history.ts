/**
 * Choose the history a call sends: newest messages first, back to a token budget, never
 * by a count of entries. The result starts where a conversation may start (a user
 * message), so no tool result is sent without the call that asked for it.
 */
import type { Message } from '../messages.js';
import type { TokenEstimator } from './token-estimate.js';

/** A provider bills an image by its pixels, not its base64 size; this is a large one's cost. */
const imageTokens = 1_600;

/** Estimated tokens of one message as a provider would bill it. */
export function messageTokens(estimator: TokenEstimator, model: string, message: Message): number {
  if (message.role === 'toolResult' && message.images?.length) {
    const { images, ...text } = message;
    return estimator.count(model, text) + images.length * imageTokens;
  }
  if (message.role !== 'user' || message.content.every((block) => block.type === 'text')) {
    return estimator.count(model, message);
  }
  const images = message.content.filter((block) => block.type === 'image').length;
  const text = message.content.filter((block) => block.type === 'text');
  return estimator.count(model, { ...message, content: text }) + images * imageTokens;
}

/** The history chosen, and what it cost. */
export interface FittedHistory {
  messages: Message[];
  /** Estimated tokens of `messages`. */
  tokens: number;
  /** How many older messages were left out. */
  dropped: number;
}

/**
 * The newest messages that fit in `budget` tokens. When even the current turn does not
 * fit whole, its user message is kept and the tail is resumed at an assistant message:
 * the model still sees the question and its latest steps.
 */
export function fitHistory(
  messages: readonly Message[],
  budget: number,
  cost: (message: Message) => number,
): FittedHistory {
  const costs = messages.map(cost);
  let start = messages.length;
  let tokens = 0;
  while (start > 0 && tokens + costs[start - 1]! <= budget) {
    start--;
    tokens += costs[start]!;
  }
  if (start === 0) return { messages: [...messages], tokens, dropped: 0 };
  // Start at a user message inside the fitted part, so no tool result loses its call.
  let first = start;
  while (first < messages.length && messages[first]!.role !== 'user') {
    tokens -= costs[first]!;
    first++;
  }
  if (first < messages.length) {
    return { messages: messages.slice(first), tokens, dropped: first };
  }
  // No user message fits: keep the latest question and the newest steps after it.
  const question = messages.findLastIndex(
    (message, index) => index < start && message.role === 'user',
  );
  let resume = start;
  while (resume < messages.length && messages[resume]!.role !== 'assistant') resume++;
  const questionCost = question < 0 ? 0 : costs[question]!;
  let tailTokens = costs.slice(resume).reduce((sum, value) => sum + value, 0);
  // The question takes room the steps had: drop the oldest steps until both fit.
  while (resume < messages.length && questionCost + tailTokens > budget) {
    do tailTokens -= costs[resume++]!;
    while (resume < messages.length && messages[resume]!.role !== 'assistant');
  }
  const tail = messages.slice(resume);
  if (question < 0) return { messages: tail, tokens: tailTokens, dropped: resume };
  return {
    messages: [messages[question]!, ...tail],
    tokens: tailTokens + questionCost,
    dropped: resume - 1,
  };
}
