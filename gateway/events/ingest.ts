import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { EventBus, RunEvent } from '../../core/events/types.js';

/** Receives run events from workers in other processes and republishes them on the gateway's bus. */
export interface EventIngest {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

/** The path workers connect to. */
export const eventIngestPath = '/internal/events';

function isRunEvent(value: unknown): value is RunEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Partial<RunEvent>;
  return (
    typeof event.runId === 'string' &&
    typeof event.sessionKey === 'string' &&
    typeof event.part === 'object' &&
    event.part !== null
  );
}

/**
 * `verify` checks the worker's credentials (the gateway's token or password as a bearer
 * token); with no auth configured only loopback peers are accepted.
 */
export function createEventIngest(
  bus: EventBus,
  verify: (request: IncomingMessage) => boolean,
): EventIngest {
  const server = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      let value: unknown;
      try {
        value = JSON.parse(
          Buffer.isBuffer(data)
            ? data.toString('utf8')
            : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'),
        );
      } catch {
        return; // a worker never sends this; drop rather than disturb the stream
      }
      if (isRunEvent(value)) bus.publish(value);
    });
    socket.on('error', () => socket.terminate());
  });
  return {
    handleUpgrade(request, socket, head) {
      if (!verify(request)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      server.handleUpgrade(request, socket, head, (ws) => server.emit('connection', ws, request));
    },
    close() {
      for (const client of server.clients) client.close(1012, 'gateway restarting');
      server.close();
    },
  };
}
