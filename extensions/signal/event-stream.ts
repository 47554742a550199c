/**
 * The daemon's inbound stream, `GET /api/v1/events` (Server-Sent Events): each `receive`
 * event carries one envelope. When the stream ends or fails it is reported (connected
 * false, lastError: OpenClaw's users lost messages silently here) and reopened with
 * backoff (0.5 s doubling to 30 s), sending `Last-Event-ID` so that signal-cli replays
 * the events kept while we were away (it keeps the last 1000).
 */
import type { Logger } from '../../core/logger.js';

/** One parsed SSE event. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** What the stream needs. */
export interface SignalEventStreamOptions {
  baseUrl: string;
  account: string | undefined;
  logger: Logger;
  signal: AbortSignal;
  /** Handle one event; the stream waits for it (so events stay in order). */
  onEvent(event: SseEvent): Promise<void>;
  onConnected(connected: boolean, reason?: string): void;
}

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/** Keep the stream open until `signal` aborts; resolves then. */
export async function runSignalEventStream(options: SignalEventStreamOptions): Promise<void> {
  let lastEventId: string | undefined;
  let backoffMs = MIN_BACKOFF_MS;
  while (!options.signal.aborted) {
    let reason: string;
    try {
      const url = new URL(`${options.baseUrl}/api/v1/events`);
      if (options.account) url.searchParams.set('account', options.account);
      const response = await fetch(url, {
        headers: {
          accept: 'text/event-stream',
          ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}),
        },
        signal: options.signal,
      });
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status}`);
      }
      options.onConnected(true);
      backoffMs = MIN_BACKOFF_MS;
      for await (const event of parseSse(response.body)) {
        if (event.id !== undefined) lastEventId = event.id;
        await options.onEvent(event);
      }
      reason = 'the event stream ended';
    } catch (error) {
      if (options.signal.aborted) break;
      reason = `the event stream failed: ${(error as Error).message}`;
    }
    if (options.signal.aborted) break;
    options.onConnected(false, `signal-cli ${reason}`);
    options.logger.warn(`signal-cli ${reason}; reconnecting in ${backoffMs} ms`);
    await sleep(backoffMs, options.signal);
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  }
}

/** Split a text/event-stream body into events (data lines joined by newlines). */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  let id: string | undefined;
  const reader = body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline = buffer.indexOf('\n');
    while (newline !== -1) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
      if (line === '') {
        if (data.length > 0) yield { event, data: data.join('\n'), ...(id ? { id } : {}) };
        event = 'message';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
