/**
 * The BlueBubbles server's REST API (`/api/v1/...`, authenticated with `?password=`).
 * Every answer is `{ status, message, data }`; failures become ChannelSendError: 429 waits,
 * 5xx and network errors are retried, other 4xx (unknown chat, Private API off) are final.
 */
import { ChannelSendError } from '../../channels/types.js';

/** A BlueBubbles answer. */
export interface BlueBubblesAnswer<T> {
  status: number;
  message?: string;
  data?: T;
  error?: { type?: string; message?: string };
}

/** Calls one server. */
export class BlueBubblesClient {
  constructor(
    private readonly serverUrl: string,
    private readonly password: string,
  ) {}

  /** The URL of an API path, with the password. */
  url(path: string): string {
    const url = new URL(`${this.serverUrl}${path}`);
    url.searchParams.set('password', this.password);
    return url.toString();
  }

  /** A JSON (or multipart) request; resolves with `data`. */
  async request<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: Record<string, unknown> | FormData,
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.url(path), {
        method,
        ...(body instanceof FormData
          ? { body }
          : body
            ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
            : {}),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw new ChannelSendError(`BlueBubbles ${path}: ${(error as Error).message}`, {
        retryable: true,
      });
    }
    const text = await response.text();
    let answer: BlueBubblesAnswer<T> | undefined;
    try {
      answer = JSON.parse(text) as BlueBubblesAnswer<T>;
    } catch {
      answer = undefined;
    }
    if (!response.ok) {
      const reason = answer?.error?.message ?? answer?.message ?? text.slice(0, 200);
      const status = response.status;
      throw new ChannelSendError(`BlueBubbles ${path}: ${status} ${reason}`, {
        retryable: status >= 500 || status === 429,
        ...(status === 429 ? { retryAfterMs: 5_000 } : {}),
        status,
      });
    }
    return answer?.data as T;
  }

  /** An attachment's bytes, streamed. */
  async download(guid: string): Promise<ReadableStream<Uint8Array>> {
    const response = await fetch(
      this.url(`/api/v1/attachment/${encodeURIComponent(guid)}/download`),
    );
    if (!response.ok || !response.body) {
      throw new Error(`BlueBubbles attachment ${guid}: HTTP ${response.status}`);
    }
    return response.body;
  }
}
