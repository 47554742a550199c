// A fake Brave Search API and SearXNG on 127.0.0.1, speaking their JSON shapes, so web_search
// is tested over real HTTP. Brave is served at /res/v1/web/search, SearXNG under /searxng.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted result, rendered in each provider's shape. */
export interface FakeSearchResult {
  title: string;
  url: string;
  snippet: string;
}

/** A request the fake received. */
export interface RecordedSearch {
  provider: 'brave' | 'searxng';
  query: string;
  /** Brave's `count`, SearXNG's `format`. */
  params: Record<string, string>;
  token: string | undefined;
}

/** Knobs of the fake. */
export interface FakeSearchServerOptions {
  /** The Brave subscription token that is accepted (default 'brave-test-key'). */
  braveToken?: string;
}

/** A running fake: point tools.web.search.baseUrl at braveBaseUrl or searxngBaseUrl. */
export interface FakeSearchServer {
  braveBaseUrl: string;
  searxngBaseUrl: string;
  requests: RecordedSearch[];
  /** Results for queries containing `match` (default: three generated results). */
  setResults(match: string, results: FakeSearchResult[]): void;
  /** Answer the next request with this HTTP status (and `retry-after` seconds, if given). */
  failNext(status: number, retryAfter?: number): void;
  close(): Promise<void>;
}

function generated(query: string): FakeSearchResult[] {
  return [1, 2, 3].map((n) => ({
    title: `Result ${n} for ${query}`,
    url: `https://example.com/${encodeURIComponent(query)}/${n}`,
    snippet: `Snippet ${n} about ${query}.`,
  }));
}

function send(response: ServerResponse, status: number, body: unknown, headers = {}): void {
  response
    .writeHead(status, { 'content-type': 'application/json', ...headers })
    .end(JSON.stringify(body));
}

/** Start the fake on a free port of 127.0.0.1. */
export async function startFakeSearchServer(
  options: FakeSearchServerOptions = {},
): Promise<FakeSearchServer> {
  const braveToken = options.braveToken ?? 'brave-test-key';
  const scripted = new Map<string, FakeSearchResult[]>();
  const failures: { status: number; retryAfter?: number }[] = [];
  const requests: RecordedSearch[] = [];

  const resultsFor = (query: string) =>
    [...scripted].find(([match]) => query.includes(match))?.[1] ?? generated(query);

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const params = Object.fromEntries(url.searchParams);
    const query = params.q ?? '';
    const token = request.headers['x-subscription-token'] as string | undefined;
    const provider = url.pathname === '/res/v1/web/search' ? 'brave' : 'searxng';
    if (provider === 'searxng' && url.pathname !== '/searxng/search') {
      return send(response, 404, { error: 'not found' });
    }
    requests.push({ provider, query, params, token });
    const failure = failures.shift();
    if (failure) {
      const headers = failure.retryAfter ? { 'retry-after': String(failure.retryAfter) } : {};
      return send(response, failure.status, { error: `scripted ${failure.status}` }, headers);
    }
    if (provider === 'brave') {
      if (token !== braveToken) {
        return send(response, 401, {
          type: 'ErrorResponse',
          error: {
            code: 'SUBSCRIPTION_TOKEN_INVALID',
            detail: 'The provided subscription token is invalid.',
            status: 401,
          },
        });
      }
      const count = Number(params.count ?? 20);
      const results = resultsFor(query).slice(0, count);
      // Brave marks the query terms in descriptions with <strong>.
      return send(response, 200, {
        type: 'search',
        query: { original: query },
        web: {
          type: 'search',
          results: results.map((result) => ({
            title: result.title,
            url: result.url,
            description: result.snippet.replace(query, `<strong>${query}</strong>`),
          })),
        },
      });
    }
    // SearXNG refuses formats not enabled in its settings.yml with a 403.
    if (params.format !== 'json') return send(response, 403, { error: 'format not allowed' });
    send(response, 200, {
      query,
      number_of_results: 0,
      results: resultsFor(query).map((result) => ({
        title: result.title,
        url: result.url,
        content: result.snippet,
        engine: 'fake',
      })),
    });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    braveBaseUrl: base,
    searxngBaseUrl: `${base}/searxng`,
    requests,
    setResults: (match, results) => void scripted.set(match, results),
    failNext: (status, retryAfter) =>
      void failures.push({ status, ...(retryAfter ? { retryAfter } : {}) }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
