/**
 * The Mattermost WebSocket event stream (`/api/v4/websocket`): connect, answer the server's
 * hello with an `authentication_challenge` carrying the bot token, hand every event on, and
 * reconnect with backoff (0.5 s doubling to 30 s) when the connection drops.
 *
 * Written on the `ws` package rather than @mattermost/client's WebSocketClient: that one is
 * built for browsers (it needs the WebSocket and CloseEvent globals, which Node 20 lacks,
 * and logs to the console).
 */
import WebSocket from 'ws';
import type { Logger } from '../../core/logger.js';

/** One event as the server sends it. */
export interface MattermostEvent {
  event: string;
  data: Record<string, unknown>;
  broadcast: { channel_id?: string; user_id?: string; team_id?: string };
  seq: number;
}

/** What the stream needs. */
export interface EventStreamOptions {
  /** http(s) base URL of the server (turned into ws(s)). */
  baseUrl: string;
  token: string;
  logger: Logger;
  signal: AbortSignal;
  onEvent(event: MattermostEvent): void;
  onConnected(connected: boolean, reason?: string): void;
}

/** A running stream: send actions (typing) while connected. */
export interface EventStream {
  /** Send an action; false when not connected. */
  send(action: string, data: Record<string, unknown>): boolean;
  /** Resolves when the stream has stopped (after the signal aborted). */
  done: Promise<void>;
}

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/** Open the stream; it keeps reconnecting until `signal` aborts. */
export function openEventStream(options: EventStreamOptions): EventStream {
  const url = `${options.baseUrl.replace(/^http/i, 'ws')}/api/v4/websocket`;
  let socket: WebSocket | undefined;
  let sequence = 1;
  let backoffMs = MIN_BACKOFF_MS;

  const connectOnce = () =>
    new Promise<string>((resolve) => {
      const ws = new WebSocket(url);
      socket = ws;
      sequence = 1;
      let authenticated = false;
      const abort = () => ws.close(1000);
      options.signal.addEventListener('abort', abort, { once: true });
      ws.on('open', () => {
        ws.send(
          JSON.stringify({
            seq: sequence++,
            action: 'authentication_challenge',
            data: { token: options.token },
          }),
        );
      });
      ws.on('message', (raw: WebSocket.RawData) => {
        let message: Record<string, unknown>;
        try {
          const text = Buffer.isBuffer(raw)
            ? raw.toString('utf8')
            : Buffer.concat(Array.isArray(raw) ? raw : [Buffer.from(raw)]).toString('utf8');
          message = JSON.parse(text) as Record<string, unknown>;
        } catch {
          return;
        }
        if ('seq_reply' in message) {
          if (message.status !== 'OK') {
            options.logger.warn('websocket request failed', { reply: message });
          }
          return;
        }
        const event = message as unknown as MattermostEvent;
        if (event.event === 'hello') {
          authenticated = true;
          backoffMs = MIN_BACKOFF_MS;
          options.onConnected(true);
        }
        if (authenticated) options.onEvent(event);
      });
      ws.on('error', (error) => options.logger.debug(`websocket error: ${error.message}`));
      ws.on('close', (code, reason) => {
        options.signal.removeEventListener('abort', abort);
        socket = undefined;
        resolve(`websocket closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`);
      });
    });

  const done = (async () => {
    while (!options.signal.aborted) {
      const reason = await connectOnce();
      if (options.signal.aborted) break;
      options.onConnected(false, reason);
      options.logger.warn(`${reason}; reconnecting in ${backoffMs} ms`);
      await sleep(backoffMs, options.signal);
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    }
  })();

  return {
    send(action, data) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify({ seq: sequence++, action, data }));
      return true;
    },
    done,
  };
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
