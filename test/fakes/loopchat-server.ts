/**
 * The "platform" of the loopchat test channel plugin (test/fixtures/plugins/loopchat): it
 * accepts `POST /send` with JSON `{ accountId, chatId, text, deliveryId }` and answers
 * `{ id }`, recording each send. That is the whole wire format (see the fixture README).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message the channel sent. */
export interface LoopchatSend {
  accountId: string;
  chatId: string;
  text: string;
  deliveryId: string;
  id: string;
}

/** A running loopchat platform. */
export interface LoopchatServer {
  /** http://127.0.0.1:<port> — the channel's apiUrl. */
  url: string;
  sends: LoopchatSend[];
  close(): Promise<void>;
}

/** Start the platform on a free port. */
export async function startLoopchatServer(): Promise<LoopchatServer> {
  const sends: LoopchatSend[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/send') {
        response.writeHead(404).end();
        return;
      }
      const send = JSON.parse(body) as Omit<LoopchatSend, 'id'>;
      const id = `m${sends.length + 1}`;
      sends.push({ ...send, id });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sends,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
