/**
 * Following one turn's events on an open gateway connection and printing its reply as
 * it streams (`clawdbot agent`, `clawdbot chat`). The run id is known only once the
 * gateway answers, and events can arrive before that answer: they are held until then.
 */
import { agentEventSchema, chatEventSchema, type EventFrame } from '../core/protocol/index.js';
import type { GatewayConnection } from './gateway-connection.js';

/** How a followed turn ended, as its `chat` events told. */
export interface TurnEnd {
  state: 'final' | 'aborted' | 'error';
  text: string;
  errorMessage?: string;
}

/** A turn being followed. */
export interface TurnStream {
  /** Start showing the events of this run (and those already held for it). */
  follow(runId: string): void;
  /** The text printed so far (the whole reply, once ended). */
  text(): string;
  /** Resolves when the followed run's final/aborted/error `chat` event arrives. */
  ended: Promise<TurnEnd>;
  stop(): void;
}

/** Where a turn's output goes: reply text, and lines about tools (stderr, so stdout stays the reply). */
export interface TurnPrinter {
  text(chunk: string): void;
  note(line: string): void;
}

/** Watch the connection's events for one run of `sessionKey`. */
export function streamTurn(
  gateway: GatewayConnection,
  sessionKey: string | undefined,
  printer: TurnPrinter,
): TurnStream {
  let runId: string | undefined;
  const held: EventFrame[] = [];
  let printed = '';
  let stepText = '';
  let resolveEnd!: (end: TurnEnd) => void;
  const ended = new Promise<TurnEnd>((resolve) => (resolveEnd = resolve));

  const handle = (frame: EventFrame) => {
    if (frame.event === 'agent') {
      const parsed = agentEventSchema.safeParse(frame.payload);
      if (!parsed.success || parsed.data.runId !== runId || parsed.data.stream !== 'tool') return;
      const data = parsed.data.data as { phase?: string; name?: string; isError?: boolean };
      if (data.phase === 'start') printer.note(`[tool ${data.name ?? '?'}]`);
      else if (data.phase === 'result' && data.isError)
        printer.note(`[tool ${data.name ?? '?'} failed]`);
      return;
    }
    if (frame.event !== 'chat') return;
    const parsed = chatEventSchema.safeParse(frame.payload);
    if (!parsed.success || parsed.data.runId !== runId) return;
    const event = parsed.data;
    const text = event.message?.content.map((block) => block.text).join('') ?? '';
    if (event.state === 'delta') {
      // Deltas carry the step's text so far; a new step or a retried stream starts over.
      if (text.startsWith(stepText)) {
        const chunk = text.slice(stepText.length);
        if (chunk !== '') {
          printer.text(chunk);
          printed += chunk;
        }
      } else if (text !== '') {
        printer.text(`\n${text}`);
        printed += `\n${text}`;
      }
      stepText = text;
      return;
    }
    resolveEnd({
      state: event.state,
      text: event.state === 'final' && text !== '' ? text : printed,
      ...(event.errorMessage === undefined ? {} : { errorMessage: event.errorMessage }),
    });
  };

  const unsubscribe = gateway.onEvent((frame) => {
    if (runId === undefined) {
      const key = (frame.payload as { sessionKey?: unknown } | undefined)?.sessionKey;
      if (sessionKey === undefined || key === sessionKey) held.push(frame);
      return;
    }
    handle(frame);
  });

  return {
    follow(id) {
      runId = id;
      for (const frame of held.splice(0)) handle(frame);
    },
    text: () => printed,
    ended,
    stop: unsubscribe,
  };
}
