// The protocol-v3 WebSocket client every bench measures ClawdBot with: the real handshake
// (connect.challenge → connect → hello-ok), requests, and one chat turn timed as a user
// sees it (chat.send with an idempotency key → first `chat` event with state "delta").
import WebSocket from 'ws';
import {
  PROTOCOL_VERSION,
  type ChatEventPayload,
  type EventFrame,
  type ResponseFrame,
} from '../core/protocol/index.js';

/** The `connect` request's parameters: an operator client with every scope. */
export const connectParams = {
  minProtocol: PROTOCOL_VERSION,
  maxProtocol: PROTOCOL_VERSION,
  client: { id: 'bench', version: '1.0.0', platform: process.platform, mode: 'bench' },
  role: 'operator',
  scopes: ['operator.admin'],
};

type ServerFrame = EventFrame | ResponseFrame;

/** Epoch milliseconds with sub-millisecond resolution (comparable across processes). */
export const now = () => performance.timeOrigin + performance.now();

/** An OpenClaw-protocol client on a plain `ws` socket: handshake, requests, event listeners. */
export class ProtocolClient {
  private readonly listeners = new Set<(frame: EventFrame, at: number) => void>();
  private readonly pending = new Map<string, (frame: ResponseFrame | Error) => void>();
  private nextId = 0;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const at = now();
      const frame = JSON.parse(data.toString('utf8')) as ServerFrame;
      if (frame.type === 'res') {
        this.pending.get(frame.id)?.(frame);
        this.pending.delete(frame.id);
      } else {
        for (const listener of this.listeners) listener(frame, at);
      }
    });
    socket.on('close', (code, reason) => {
      const error = new Error(`gateway closed the socket: ${code} ${reason.toString()}`);
      for (const answer of this.pending.values()) answer(error);
      this.pending.clear();
    });
  }

  /** Open the socket, answer `connect.challenge` with `connect`, await hello-ok. */
  static async connect(url: string): Promise<ProtocolClient> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const client = new ProtocolClient(socket);
    const challenge = new Promise<void>((resolve) => {
      const off = client.onEvent((frame) => {
        if (frame.event !== 'connect.challenge') return;
        off();
        resolve();
      });
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    await challenge;
    const hello = await client.request('connect', connectParams);
    if (!hello.ok) throw new Error(`connect refused: ${JSON.stringify(hello.error)}`);
    return client;
  }

  onEvent(listener: (frame: EventFrame, at: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  request(method: string, params: unknown): Promise<ResponseFrame> {
    const id = `r${++this.nextId}`;
    const response = new Promise<ResponseFrame>((resolve, reject) =>
      this.pending.set(id, (answer) =>
        answer instanceof Error ? reject(answer) : resolve(answer),
      ),
    );
    this.socket.send(JSON.stringify({ type: 'req', id, method, params }));
    return response;
  }

  close(): void {
    this.socket.close();
  }
}

/** When a turn's milestones reached the client: epoch ms of the client's clock. */
export interface ClientTurn {
  runId: string;
  sent: number;
  ack: number;
  delta: number;
  final: number;
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One plain-text turn as a client sees it: chat.send, its response, the run's chat events. */
export async function clientTurn(
  client: ProtocolClient,
  sessionKey: string,
  runId: string,
  message = `hello from the gateway bench, turn ${runId}`,
): Promise<ClientTurn> {
  const turn: ClientTurn = { runId, sent: now(), ack: NaN, delta: NaN, final: NaN };
  let off: () => void = () => undefined;
  const events = new Promise<void>((resolve, reject) => {
    off = client.onEvent((frame, at) => {
      if (frame.event !== 'chat') return;
      const payload = frame.payload as ChatEventPayload;
      if (payload.runId !== runId) return;
      if (payload.state === 'delta') {
        if (Number.isNaN(turn.delta)) turn.delta = at;
      } else if (payload.state === 'final') {
        turn.final = at;
        resolve();
      } else {
        reject(new Error(`run ${runId} ended ${payload.state}: ${payload.errorMessage ?? ''}`));
      }
    });
  });
  try {
    const response = await withTimeout(
      client.request('chat.send', {
        sessionKey,
        message,
        idempotencyKey: runId,
      }),
      30_000,
      `chat.send ${runId}`,
    );
    turn.ack = now();
    if (!response.ok) throw new Error(`chat.send failed: ${JSON.stringify(response.error)}`);
    const accepted = response.payload as { runId: string };
    if (accepted.runId !== runId) throw new Error(`run id ${accepted.runId}, expected ${runId}`);
    await withTimeout(events, 30_000, `turn ${runId}`);
    return turn;
  } finally {
    off();
  }
}
