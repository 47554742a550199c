// A GET that only ever connects to vetted public addresses: each hop of a redirect chain is
// resolved, vetted and pinned before a byte is sent, and the body is read up to a cap.
import type { ReadableStream } from 'node:stream/web';
import type { Response } from 'undici';
import { clawdbotVersion } from '../../core/version.js';
import { parseFetchUrl, pinnedAgent, vetUrl, type Resolver } from './net-guard.js';
import { ToolError } from './tool.js';

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Transient network failures: worth a retry of the activity rather than a message to the model. */
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Limits and policy of one guarded fetch. */
export interface GuardedFetchOptions {
  allowHosts: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  /** The turn's cancellation: when it fires the error is rethrown as is. */
  signal: AbortSignal;
  /** Whether a response of this media type (e.g. `text/html`, '' when absent) is worth reading. */
  accepts(mediaType: string): boolean;
  resolve?: Resolver;
}

/** A response read (up to the byte cap) after following redirects. */
export interface FetchedResponse {
  url: URL;
  /** Every URL that redirected, in order. */
  redirects: string[];
  status: number;
  mediaType: string;
  /** The `charset` parameter of Content-Type, if any. */
  charset: string | undefined;
  body: Uint8Array;
  /** True when the body was longer than maxBytes and reading stopped there. */
  truncated: boolean;
}

const headers = {
  'user-agent': `Mozilla/5.0 (compatible; ClawdBot/${clawdbotVersion}; web_fetch)`,
  accept: 'text/html,application/xhtml+xml,text/plain;q=0.9,application/json;q=0.9,*/*;q=0.5',
  'accept-language': 'en;q=0.9,*;q=0.5',
};

async function readCapped(response: Response, maxBytes: number) {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!response.body) return { body: new Uint8Array(), truncated: false };
  // undici types the stream's chunks as any; fetch bodies are bytes.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { body: Buffer.concat(chunks), truncated: false };
    if (size + value.byteLength > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - size));
      // Stop the download: the rest may be endless (a stream) or huge.
      await reader.cancel().catch(() => {});
      return { body: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(value);
    size += value.byteLength;
  }
}

function contentType(response: Response) {
  const [type = '', ...parameters] = (response.headers.get('content-type') ?? '').split(';');
  const charset = parameters
    .map((parameter) => /^\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(parameter)?.[1])
    .find(Boolean);
  return { mediaType: type.trim().toLowerCase(), charset };
}

function statusError(url: URL, response: Response): Error {
  const what = `${url.href} answered HTTP ${response.status} ${response.statusText}`.trim();
  // Rate limits and server errors are often gone a moment later: let the activity retry.
  if (response.status === 429 || response.status >= 500) return new Error(`${what}.`);
  return new ToolError('FETCH_FAILED', `${what}.`, { url: url.href, status: response.status });
}

function networkError(error: unknown, url: URL): Error {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as NodeJS.ErrnoException).code;
  const message = cause instanceof Error ? cause.message : String(cause);
  const text = `Could not fetch ${url.href}: ${message}${code && !message.includes(code) ? ` (${code})` : ''}.`;
  if (code && RETRYABLE_CODES.has(code)) return new Error(text, { cause });
  return new ToolError('FETCH_FAILED', text, { url: url.href, ...(code ? { code } : {}) });
}

async function follow(start: URL, options: GuardedFetchOptions, signal: AbortSignal) {
  let url = start;
  const redirects: string[] = [];
  for (;;) {
    const redirectedFrom = redirects.at(-1);
    const target = await vetUrl(url, {
      ...options,
      signal,
      ...(redirectedFrom ? { redirectedFrom } : {}),
    });
    const dispatcher = await pinnedAgent(target);
    // Loaded with the agent above, at the first fetch rather than at start-up.
    const { fetch } = await import('undici');
    try {
      const response = await fetch(url, { dispatcher, redirect: 'manual', headers, signal }).catch(
        (error: unknown) => {
          throw signal.aborted ? error : networkError(error, url);
        },
      );
      const location = response.headers.get('location');
      if (REDIRECT_STATUSES.has(response.status) && location) {
        await response.body?.cancel();
        if (redirects.length === MAX_REDIRECTS) {
          throw new ToolError(
            'TOO_MANY_REDIRECTS',
            `${start.href} redirected more than ${MAX_REDIRECTS} times.`,
            {
              url: start.href,
              redirects: [...redirects, url.href],
            },
          );
        }
        redirects.push(url.href);
        url = parseFetchUrl(new URL(location, url).href, url.href);
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw statusError(url, response);
      }
      const { mediaType, charset } = contentType(response);
      if (!options.accepts(mediaType)) {
        await response.body?.cancel();
        throw new ToolError(
          'UNSUPPORTED_CONTENT_TYPE',
          `${url.href} is ${mediaType || 'of no stated type'}; web_fetch reads HTML, text and JSON only.`,
          { url: url.href, contentType: mediaType },
        );
      }
      const { body, truncated } = await readCapped(response, options.maxBytes).catch(
        (error: unknown) => {
          throw signal.aborted ? error : networkError(error, url);
        },
      );
      return { url, redirects, status: response.status, mediaType, charset, body, truncated };
    } finally {
      await dispatcher.destroy();
    }
  }
}

/** GET `rawUrl` through the SSRF guard, following up to 5 redirects, within the time limit. */
export async function guardedFetch(
  rawUrl: string,
  options: GuardedFetchOptions,
): Promise<FetchedResponse> {
  const start = parseFetchUrl(rawUrl);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  try {
    return await follow(start, options, signal);
  } catch (error) {
    if (error instanceof ToolError || options.signal.aborted || !timeout.aborted) throw error;
    throw new ToolError(
      'FETCH_TIMEOUT',
      `${start.href} did not arrive within ${options.timeoutMs / 1000} s (tools.web.fetch.timeoutMs).`,
      { url: start.href, timeoutMs: options.timeoutMs },
    );
  }
}
