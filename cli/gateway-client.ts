/**
 * One request to the running gateway over its WebSocket protocol (connect, then the
 * method), as the CLI commands that need the live process (channels status, pairing
 * approve with a notice) make it.
 */
import WebSocket from 'ws';
import { ClawdbotError, type ErrorCode } from '../core/errors.js';
import {
  PROTOCOL_VERSION,
  gatewayFrameSchema,
  type ResponseFrame,
} from '../core/protocol/index.js';
import { clawdbotVersion } from '../core/version.js';

/** Where the gateway is and how to authenticate. */
export interface GatewayCallOptions {
  /** ws://host:port/ */
  url: string;
  token?: string;
  password?: string;
  timeoutMs?: number;
}

/** The gateway is not there (nothing listens, or it went away before answering). */
export class GatewayUnreachableError extends Error {
  override readonly name = 'GatewayUnreachableError';
}

/** The gateway's WebSocket URL from config (a wildcard bind is reached on loopback). */
export function gatewayWsUrl(config: { gateway: { bind: string; port: number } }): string {
  const host = ['0.0.0.0', '::', ''].includes(config.gateway.bind)
    ? '127.0.0.1'
    : config.gateway.bind;
  return `ws://${host.includes(':') ? `[${host}]` : host}:${config.gateway.port}/`;
}

/** Call one method; resolves with its payload, throws ClawdbotError with the gateway's code. */
export async function callGateway(
  options: GatewayCallOptions,
  method: string,
  params?: unknown,
): Promise<unknown> {
  const socket = new WebSocket(options.url);
  const timeoutMs = options.timeoutMs ?? 15_000;
  try {
    return await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new ClawdbotError('AGENT_TIMEOUT', `gateway did not answer ${method}`)),
        timeoutMs,
      );
      const done = (action: () => void) => {
        clearTimeout(timer);
        action();
      };
      socket.on('error', (error) =>
        done(() => reject(new GatewayUnreachableError(`gateway unreachable: ${error.message}`))),
      );
      socket.on('close', () =>
        done(() => reject(new GatewayUnreachableError('gateway closed the connection'))),
      );
      const send = (id: string, name: string, body?: unknown) =>
        socket.send(JSON.stringify({ type: 'req', id, method: name, params: body }));
      const failed = (frame: ResponseFrame) =>
        new ClawdbotError(
          (frame.error?.code ?? 'INTERNAL') as ErrorCode,
          frame.error?.message ?? 'request failed',
          frame.error?.details,
        );
      socket.on('message', (data: Buffer) => {
        const parsed = gatewayFrameSchema.safeParse(JSON.parse(data.toString('utf8')));
        if (!parsed.success) return;
        const frame = parsed.data;
        if (frame.type === 'event' && frame.event === 'connect.challenge') {
          send('connect', 'connect', cliConnectParams(options));
          return;
        }
        if (frame.type !== 'res') return;
        if (frame.id === 'connect') {
          if (!frame.ok) done(() => reject(failed(frame)));
          else send('call', method, params);
          return;
        }
        if (frame.id === 'call') {
          done(() => (frame.ok ? resolve(frame.payload) : reject(failed(frame))));
        }
      });
    });
  } finally {
    socket.removeAllListeners('close');
    socket.on('error', () => undefined);
    socket.close();
  }
}

/** The `connect` params every CLI connection sends: an operator, authenticated as configured. */
export function cliConnectParams(options: { token?: string; password?: string }) {
  return {
    minProtocol: PROTOCOL_VERSION,
    maxProtocol: PROTOCOL_VERSION,
    client: {
      id: 'clawdbot-cli',
      version: clawdbotVersion,
      platform: process.platform,
      mode: 'cli',
    },
    role: 'operator',
    scopes: ['operator.admin'],
    ...(options.token || options.password
      ? {
          auth: {
            ...(options.token ? { token: options.token } : {}),
            ...(options.password ? { password: options.password } : {}),
          },
        }
      : {}),
  };
}
