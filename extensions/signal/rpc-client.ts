/**
 * signal-cli's JSON-RPC over HTTP (`POST /api/v1/rpc`, one request per call). Failures
 * become ChannelSendError: a JSON-RPC error answer is final (bad recipient, unknown
 * group: a retry cannot fix it) except signal-cli's rate-limit error, which waits; HTTP
 * 5xx and network errors are retried.
 */
import { randomUUID } from 'node:crypto';
import { ChannelSendError } from '../../channels/types.js';

/** A JSON-RPC error object as signal-cli sends it. */
interface RpcError {
  code?: number;
  message?: string;
  data?: unknown;
}

// signal-cli answers -5 (RATE_LIMIT_ERROR) when the Signal server throttles the account.
const RATE_LIMIT_CODE = -5;

/** Calls the daemon's JSON-RPC endpoint. */
export class SignalRpcClient {
  constructor(
    private readonly baseUrl: string,
    /** Multi-account daemons need it; single-account ones ignore it. */
    private readonly account: string | undefined,
  ) {}

  /** Call `method` with `params`; resolves with `result`. */
  async call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/api/v1/rpc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: randomUUID(),
          method,
          params: this.account ? { account: this.account, ...params } : params,
        }),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw new ChannelSendError(`signal-cli ${method}: ${(error as Error).message}`, {
        retryable: true,
      });
    }
    const text = await response.text();
    if (!response.ok) {
      throw new ChannelSendError(
        `signal-cli ${method}: HTTP ${response.status} ${text.slice(0, 200)}`,
        { retryable: response.status >= 500 || response.status === 429, status: response.status },
      );
    }
    let body: { result?: T; error?: RpcError };
    try {
      body = JSON.parse(text) as { result?: T; error?: RpcError };
    } catch {
      throw new ChannelSendError(`signal-cli ${method}: not JSON: ${text.slice(0, 200)}`, {
        retryable: true,
      });
    }
    if (body.error) {
      const code = body.error.code ?? 0;
      const message = `signal-cli ${method}: ${body.error.message ?? 'error'} (${code})`;
      if (code === RATE_LIMIT_CODE) {
        throw new ChannelSendError(message, { retryable: true, retryAfterMs: 30_000 });
      }
      throw new ChannelSendError(message, { retryable: false });
    }
    return body.result as T;
  }

  /** `GET /api/v1/check`: whether the daemon answers. */
  async check(signal?: AbortSignal): Promise<boolean> {
    try {
      const response = await fetch(`${this.baseUrl}/api/v1/check`, {
        signal: signal ?? AbortSignal.timeout(5_000),
      });
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false;
    }
  }
}
