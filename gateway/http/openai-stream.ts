/**
 * The streaming side of POST /v1/chat/completions: following one run on the bus, and
 * turning its parts into `chat.completion.chunk` text. OpenAI's stream can only append,
 * so the rule is: forward whatever extends the text the client already has.
 */
import type { EventBus, RunEvent, RunPart } from '../../core/events/types.js';
import { messageText, type Usage } from '../../core/messages.js';

/** One run's events, queued from the moment of subscribing. */
export interface RunFollower {
  /** The next event, or undefined once closed. */
  next(): Promise<RunEvent | undefined>;
  close(): void;
}

/** Subscribe to a run's events; do it before sending its message, so none is missed. */
export function followRun(bus: EventBus, runId: string): RunFollower {
  const queued: RunEvent[] = [];
  let waiting: ((event: RunEvent | undefined) => void) | undefined;
  let closed = false;
  const unsubscribe = bus.subscribe((event) => {
    if (event.runId !== runId || closed) return;
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve(event);
    } else queued.push(event);
  });
  return {
    next() {
      const event = queued.shift();
      if (event || closed) return Promise.resolve(event);
      return new Promise((resolve) => (waiting = resolve));
    },
    close() {
      closed = true;
      unsubscribe();
      waiting?.(undefined);
      waiting = undefined;
    },
  };
}

/**
 * What to append for each part. Within a step, a delta is forwarded when the step's text
 * so far extends what was sent: after a stream retry the new attempt restarts from empty
 * and is followed again once it has caught up, so the client never sees text twice. When a
 * retried attempt says something else, the step's final text follows in full after a blank
 * line (the abandoned partial cannot be taken back). Steps are separated by a blank line.
 */
export function createStreamedText() {
  let step = -1;
  let sent = '';
  let spoke = false;
  const enter = (next: number) => {
    if (next === step) return;
    step = next;
    spoke ||= sent !== '';
    sent = '';
  };
  const extend = (text: string): string => {
    if (text.length <= sent.length || !text.startsWith(sent)) return '';
    const out = (sent === '' && spoke ? '\n\n' : '') + text.slice(sent.length);
    sent = text;
    return out;
  };
  /** The current step's final text: whatever the client is missing of it. */
  const settle = (text: string): string => {
    if (text === '' || text.startsWith(sent)) return extend(text);
    sent = text;
    spoke = true;
    return `\n\n${text}`;
  };
  return {
    /** Text to append for a part of the run ('' for none). */
    onPart(part: RunPart): string {
      switch (part.type) {
        case 'step-start':
          enter(part.step);
          return '';
        case 'text-delta':
          enter(part.step);
          return extend(part.text);
        case 'message-final':
          enter(part.step);
          return settle(messageText(part.message));
        case 'run-finish':
          // An aborted run's `message` is an earlier step's: settling it would repeat text.
          return part.status === 'ok' && part.message ? settle(messageText(part.message)) : '';
        case 'run-start':
        case 'stream-retry': // the new attempt is followed once it catches up (see above)
        case 'tool-start':
        case 'tool-result':
        case 'approval-request':
        case 'approval-resolve':
          return '';
      }
    },
    settle,
  };
}

/** Token usage in OpenAI's terms (cached prompt tokens count as prompt tokens). */
export function openAiUsage(usage: Usage) {
  const prompt = usage.input + usage.cacheRead + usage.cacheWrite;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output,
    total_tokens: prompt + usage.output,
  };
}

/** One SSE event line. */
export function sseData(data: unknown): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

type RunFinish = Extract<RunPart, { type: 'run-finish' }>;

/** `length` when the turn stopped at a limit (steps or tokens), else `stop`. */
export function finishReason(finish: RunFinish | undefined): 'stop' | 'length' {
  return finish?.message?.stopReason === 'length' ? 'length' : 'stop';
}
