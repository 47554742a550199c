// web_search asks the search API the user configured. Its base URL is the user's own choice
// (often a SearXNG on the local network), so unlike web_fetch it is not held to the
// private-address guard: the model chooses only the query, never where the request goes.
import { z } from 'zod';
import type { Config } from '../../core/config/schema.js';
import { wrapUntrusted } from '../../core/security/untrusted.js';
import { defineTool, ToolError } from './tool.js';

const BRAVE_BASE_URL = 'https://api.search.brave.com';
const TIMEOUT_MS = 15_000;

const inputSchema = z.object({
  query: z.string().trim().min(1).max(400).describe('What to search the web for.'),
  count: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(5)
    .describe('How many results to return, 1-10 (default 5).'),
});

type SearchSettings = Config['tools']['web']['search'];

/** One result, the same for every provider. */
interface SearchResult {
  title: string;
  url: string;
  snippet: string;
}

interface Provider {
  label: string;
  request(settings: SearchSettings, query: string, count: number): { url: URL; init: RequestInit };
  parse(body: unknown): SearchResult[] | undefined;
}

const braveBody = z.object({
  web: z
    .object({
      results: z.array(
        z.object({ title: z.string(), url: z.string(), description: z.string().default('') }),
      ),
    })
    .optional(),
});

const searxngBody = z.object({
  results: z.array(
    z.object({ title: z.string(), url: z.string(), content: z.string().default('') }),
  ),
});

function endpoint(baseUrl: string, path: string): URL {
  return new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
}

const providers: Record<NonNullable<SearchSettings['provider']>, Provider> = {
  brave: {
    label: 'Brave Search',
    request: (settings, query, count) => {
      const url = endpoint(settings.baseUrl ?? BRAVE_BASE_URL, 'res/v1/web/search');
      url.search = new URLSearchParams({ q: query, count: String(count) }).toString();
      const headers = { accept: 'application/json', 'x-subscription-token': settings.apiKey ?? '' };
      return { url, init: { headers } };
    },
    parse: (body) => {
      const parsed = braveBody.safeParse(body);
      return parsed.success
        ? (parsed.data.web?.results ?? []).map((result) => ({
            ...result,
            snippet: result.description,
          }))
        : undefined;
    },
  },
  searxng: {
    label: 'SearXNG',
    request: (settings, query) => {
      const url = endpoint(settings.baseUrl ?? '', 'search');
      url.search = new URLSearchParams({ q: query, format: 'json' }).toString();
      return { url, init: { headers: { accept: 'application/json' } } };
    },
    parse: (body) => {
      const parsed = searxngBody.safeParse(body);
      return parsed.success
        ? parsed.data.results.map((result) => ({ ...result, snippet: result.content }))
        : undefined;
    },
  },
};

function checkSettings(
  settings: SearchSettings | undefined,
): SearchSettings & { provider: keyof typeof providers } {
  const example =
    'Set tools.web.search in clawdbot.json, e.g. { provider: "brave", apiKey: "<Brave Search API key>" } ' +
    'or { provider: "searxng", baseUrl: "http://127.0.0.1:8888" }.';
  if (!settings?.provider) {
    throw new ToolError('SEARCH_NOT_CONFIGURED', `web_search is not set up. ${example}`);
  }
  if (settings.provider === 'brave' && !settings.apiKey) {
    throw new ToolError(
      'SEARCH_NOT_CONFIGURED',
      `web_search uses Brave but has no API key. ${example}`,
    );
  }
  if (settings.provider === 'searxng' && !settings.baseUrl) {
    throw new ToolError(
      'SEARCH_NOT_CONFIGURED',
      `web_search uses SearXNG but has no baseUrl. ${example}`,
    );
  }
  return { ...settings, provider: settings.provider };
}

/** What an HTTP error of the provider means, for the user who set it up. */
function statusError(provider: keyof typeof providers, response: Response): Error {
  const what = `${providers[provider].label} answered HTTP ${response.status}`;
  // Rate limits and server errors pass: a plain Error makes the activity retry with backoff.
  if (response.status === 429) return new Error(`${what}: rate limited; retrying later.`);
  if (response.status >= 500) return new Error(`${what}; retrying.`);
  const hint =
    response.status === 401 || response.status === 403
      ? provider === 'brave'
        ? 'the API key was rejected: check tools.web.search.apiKey.'
        : 'the request was refused: enable the json format (search.formats) in SearXNG settings.yml.'
      : response.status === 404
        ? 'nothing is served there: check tools.web.search.baseUrl.'
        : 'the request was rejected.';
  return new ToolError('SEARCH_FAILED', `${what}: ${hint}`, { provider, status: response.status });
}

/** Strip the HTML highlighting some providers put in snippets (Brave wraps hits in <strong>). */
function plain(text: string): string {
  return text
    .replace(/<[^>]*>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Search the web with the configured provider (Brave Search API or SearXNG). */
export const webSearchTool = defineTool({
  name: 'web_search',
  description:
    'Search the web. Returns a numbered list of results, each with its title, URL and a ' +
    'snippet; use web_fetch on a URL to read the page itself.',
  inputSchema,
  policy: { startToCloseTimeoutMs: 30_000, maximumAttempts: 3, idempotent: true },
  async execute(input, context) {
    const settings = checkSettings(context.config?.tools.web.search);
    const provider = providers[settings.provider];
    const { url, init } = provider.request(settings, input.query, input.count);
    const signal = AbortSignal.any([context.signal, AbortSignal.timeout(TIMEOUT_MS)]);
    const response = await fetch(url, { ...init, signal }).catch((error: unknown) => {
      if (context.signal.aborted) throw error;
      // Unreachable or slow: a retry may well succeed, so this is a plain Error.
      const reason =
        error instanceof Error
          ? (error.cause instanceof Error ? error.cause : error).message
          : String(error);
      throw new Error(`${provider.label} at ${url.origin} could not be reached: ${reason}`, {
        cause: error,
      });
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw statusError(settings.provider, response);
    }
    const results = provider.parse(await response.json().catch(() => undefined));
    if (!results) {
      throw new ToolError(
        'SEARCH_FAILED',
        `${provider.label} at ${url.origin} answered with something that is not search results; check tools.web.search.baseUrl.`,
        { provider: settings.provider },
      );
    }
    const shown = results.slice(0, input.count);
    if (shown.length === 0)
      return {
        text: `No results for "${input.query}".`,
        details: { provider: settings.provider, count: 0 },
      };
    const lines = shown.map(
      (result, index) =>
        `${index + 1}. ${plain(result.title)}\n   ${result.url}${result.snippet ? `\n   ${plain(result.snippet)}` : ''}`,
    );
    return {
      // Titles and snippets are written by whoever wrote the pages: data, not instructions.
      text: `Results for "${input.query}" (${provider.label}):\n\n${wrapUntrusted(lines.join('\n\n'), `web_search ${provider.label}`)}`,
      details: {
        provider: settings.provider,
        count: shown.length,
        results: shown.map(({ title, url }) => ({ title, url })),
      },
    };
  },
});
