import WebSocket from 'ws';
import type { Logger } from '../logger.js';
import type { EventBus, RunEvent } from './types.js';

/** Options of the bus a worker in its own process uses to reach the gateway. */
export interface RemoteBusOptions {
  /** ws://host:port/internal/events of the gateway. */
  url: string;
  /** The gateway token or password, when the gateway has auth configured. */
  secret?: string;
  logger: Logger;
  /** Events kept while the gateway is unreachable; the oldest are dropped past this. */
  maxBuffered?: number;
}

/** A bus with a lifecycle: the remote one holds a connection. */
export interface ClosableBus extends EventBus {
  close(): Promise<void>;
  connected(): boolean;
}

/**
 * Publishes run events to the gateway over its `/internal/events` WebSocket. The worker
 * connects out to the gateway (not the other way round), so workers on other machines
 * need only the gateway's address. Events are best-effort progress: while the gateway is
 * unreachable they are buffered (bounded) and sent on reconnect; the turn itself never
 * waits for them — its outcome is in Temporal and the transcript.
 */
export function createRemoteBus(options: RemoteBusOptions): ClosableBus {
  const maxBuffered = options.maxBuffered ?? 10_000;
  const buffer: string[] = [];
  const listeners = new Set<(event: RunEvent) => void>();
  let socket: WebSocket | undefined;
  let closed = false;
  let delay = 100;
  let timer: NodeJS.Timeout | undefined;
  let warned = false;

  const flush = () => {
    while (socket?.readyState === WebSocket.OPEN && buffer.length > 0) socket.send(buffer.shift()!);
  };
  const connect = () => {
    if (closed) return;
    const headers: Record<string, string> = options.secret
      ? { authorization: `Bearer ${options.secret}` }
      : {};
    const next = new WebSocket(options.url, { headers });
    socket = next;
    next.on('open', () => {
      delay = 100;
      warned = false;
      options.logger.info(`event bus connected to ${options.url}`);
      flush();
    });
    next.on('error', (error) => {
      if (!warned) options.logger.warn(`event bus: ${error.message} (retrying)`);
      warned = true;
    });
    next.on('close', () => {
      if (socket === next) socket = undefined;
      if (closed) return;
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    });
  };
  connect();

  return {
    publish(event) {
      for (const listener of listeners) listener(event);
      buffer.push(JSON.stringify(event));
      if (buffer.length > maxBuffered) buffer.splice(0, buffer.length - maxBuffered);
      flush();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    connected: () => socket?.readyState === WebSocket.OPEN,
    async close() {
      closed = true;
      clearTimeout(timer);
      const current = socket;
      if (!current || current.readyState === WebSocket.CLOSED) return;
      // Give buffered events a moment to leave before closing.
      await new Promise<void>((resolve) => {
        current.once('close', () => resolve());
        current.close(1000, 'worker stopping');
        setTimeout(resolve, 1000).unref();
      });
    },
  };
}
