import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../core/config/schema.js';
import { startFakeSearchServer, type FakeSearchServer } from '../../test/fakes/search-server.js';
import { runTool, type ToolContext } from './tool.js';
import { webSearchTool } from './web-search.js';

let server: FakeSearchServer;
beforeAll(async () => {
  server = await startFakeSearchServer({ braveToken: 'good-token' });
});
afterAll(() => server.close());

type SearchSettings = NonNullable<NonNullable<NonNullable<ConfigInput['tools']>['web']>['search']>;

function context(search: SearchSettings): ToolContext {
  return {
    workspaceDir: '/nonexistent',
    sessionKey: 'test',
    runId: 'run-1',
    toolCallId: 'call-1',
    signal: new AbortController().signal,
    heartbeat: () => {},
    config: configSchema.parse({ tools: { web: { search } } }),
  };
}

const brave = (apiKey = 'good-token'): SearchSettings => ({
  provider: 'brave',
  baseUrl: server.braveBaseUrl,
  apiKey,
});
const searxng = (): SearchSettings => ({ provider: 'searxng', baseUrl: server.searxngBaseUrl });

describe('web_search with Brave', () => {
  it('returns a numbered list with the highlighting stripped, asking for `count`', async () => {
    server.setResults('tide pools', [
      {
        title: 'Tide pools &amp; you',
        url: 'https://example.org/tide',
        snippet: 'All about tide pools.',
      },
      { title: 'Second', url: 'https://example.org/2', snippet: 'More tide pools.' },
    ]);
    const result = await runTool(
      webSearchTool,
      { query: 'tide pools', count: 2 },
      context(brave()),
    );
    expect(result.isError).toBeUndefined();
    expect(result.text).toBe(
      'Results for "tide pools" (Brave Search):\n\n' +
        '<untrusted-content source="web_search Brave Search">\n' +
        '1. Tide pools & you\n   https://example.org/tide\n   All about tide pools.\n\n' +
        '2. Second\n   https://example.org/2\n   More tide pools.\n</untrusted-content>',
    );
    expect(server.requests.at(-1)).toMatchObject({
      provider: 'brave',
      query: 'tide pools',
      params: { count: '2' },
      token: 'good-token',
    });
  });

  it('reports a rejected API key to the model', async () => {
    const result = await runTool(webSearchTool, { query: 'anything' }, context(brave('bad-token')));
    expect(result).toMatchObject({
      isError: true,
      details: { code: 'SEARCH_FAILED', status: 401 },
    });
    expect(result.text).toContain('check tools.web.search.apiKey');
  });

  it('throws on 429 and 5xx so the activity retries', async () => {
    server.failNext(429, 1);
    await expect(runTool(webSearchTool, { query: 'busy' }, context(brave()))).rejects.toThrow(
      /HTTP 429: rate limited/,
    );
    server.failNext(502);
    await expect(runTool(webSearchTool, { query: 'busy' }, context(brave()))).rejects.toThrow(
      /HTTP 502/,
    );
  });

  it('says when there are no results', async () => {
    server.setResults('nothing at all', []);
    const result = await runTool(webSearchTool, { query: 'nothing at all' }, context(brave()));
    expect(result.text).toBe('No results for "nothing at all".');
  });
});

describe('web_search with SearXNG', () => {
  it('returns at most `count` results from the JSON API under the base path', async () => {
    const result = await runTool(
      webSearchTool,
      { query: 'rock pools', count: 2 },
      context(searxng()),
    );
    expect(result.text).toBe(
      'Results for "rock pools" (SearXNG):\n\n' +
        '<untrusted-content source="web_search SearXNG">\n' +
        '1. Result 1 for rock pools\n   https://example.com/rock%20pools/1\n   Snippet 1 about rock pools.\n\n' +
        '2. Result 2 for rock pools\n   https://example.com/rock%20pools/2\n   Snippet 2 about rock pools.\n</untrusted-content>',
    );
    expect(server.requests.at(-1)).toMatchObject({
      provider: 'searxng',
      params: { format: 'json' },
    });
  });

  it('explains a 403 (the json format is disabled)', async () => {
    server.failNext(403);
    const result = await runTool(webSearchTool, { query: 'x' }, context(searxng()));
    expect(result).toMatchObject({ isError: true, details: { code: 'SEARCH_FAILED' } });
    expect(result.text).toContain('enable the json format');
  });

  it('reports a base URL that does not serve search results', async () => {
    const wrong = { provider: 'searxng' as const, baseUrl: `${server.braveBaseUrl}/elsewhere` };
    const result = await runTool(webSearchTool, { query: 'x' }, context(wrong));
    expect(result).toMatchObject({
      isError: true,
      details: { code: 'SEARCH_FAILED', status: 404 },
    });
  });
});

describe('web_search configuration', () => {
  it.each([
    [{}, 'web_search is not set up'],
    [{ provider: 'brave' as const }, 'uses Brave but has no API key'],
    [{ provider: 'searxng' as const }, 'uses SearXNG but has no baseUrl'],
  ])('tells the user what to set (%j)', async (search, message) => {
    const result = await runTool(webSearchTool, { query: 'x' }, context(search));
    expect(result).toMatchObject({ isError: true, details: { code: 'SEARCH_NOT_CONFIGURED' } });
    expect(result.text).toContain(message);
    expect(result.text).toContain('tools.web.search');
  });
});
