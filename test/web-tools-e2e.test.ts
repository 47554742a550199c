// web_fetch and web_search inside a real agent turn on Temporal: the scripted model fetches a
// page from a local site, searches a local SearXNG, and answers from what the tools returned.
// All traffic stays on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TranscriptEntry } from '../core/sessions/index.js';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { startFakeSearchServer, type FakeSearchServer } from './fakes/search-server.js';
import { articlePage, startFakeWebSite, type FakeWebSite } from './fakes/web-site.js';
import { startAgentHarness, type AgentHarness } from './helpers/agent-harness.js';

let llm: FakeLlmServer;
let site: FakeWebSite;
let search: FakeSearchServer;
let harness: AgentHarness;

beforeAll(async () => {
  [llm, site, search] = await Promise.all([
    startFakeLlmServer({ apiKeys: ['test-key'] }),
    startFakeWebSite(),
    startFakeSearchServer(),
  ]);
  harness = await startAgentHarness({
    temporalAddress: inject('temporalAddress'),
    llm,
    provider: 'openai',
    config: {
      tools: {
        web: {
          fetch: { allowHosts: ['127.0.0.1'] },
          search: { provider: 'searxng', baseUrl: search.searxngBaseUrl },
        },
      },
    },
  });
});
afterAll(async () => {
  await harness?.close();
  await Promise.all([llm?.close(), site?.close(), search?.close()]);
});

function toolResults(entries: TranscriptEntry[]): string[] {
  return entries.flatMap((entry) =>
    entry.type === 'message' && entry.message.role === 'toolResult'
      ? [entry.message.content.map((block) => block.text).join('')]
      : [],
  );
}

describe('web tools in an agent turn', () => {
  it('fetches a page, searches, and answers from both results', async () => {
    const url = `${site.url}${articlePage.path}`;
    llm.scriptFor('research tide pools', [
      { kind: 'tool_calls', calls: [{ id: 'call_fetch', name: 'web_fetch', arguments: { url } }] },
      {
        kind: 'tool_calls',
        calls: [
          { id: 'call_search', name: 'web_search', arguments: { query: 'tide pools', count: 2 } },
        ],
      },
      // Then nothing is scripted: the fake answers "DONE <the last tool result>".
    ]);
    const sessionKey = 'agent:main:web-tools';
    const runId = await harness.send(sessionKey, 'please research tide pools');
    const outcome = await harness.wait(runId, sessionKey);

    expect(outcome.status).toBe('ok');
    expect(outcome.text).toContain('DONE Results for "tide pools" (SearXNG):');
    expect(outcome.text).toContain('1. Result 1 for tide pools');

    const [fetched, searched] = toolResults(await harness.transcript(sessionKey));
    expect(fetched).toContain(`Title: ${articlePage.title}`);
    expect(fetched).toContain('## Life between the tides');
    expect(fetched).not.toContain('trackVisitor');
    expect(searched).toContain('2. Result 2 for tide pools');

    // The model saw the page content in the call after web_fetch.
    const afterFetch = llm.requests.find((request) =>
      request.toolResults.some((text) => text.includes('Life between the tides')),
    );
    expect(afterFetch).toBeDefined();
    expect(search.requests.at(-1)).toMatchObject({ provider: 'searxng', query: 'tide pools' });

    const names = harness
      .eventsOf(runId)
      .flatMap((part) => (part.type === 'tool-result' && !part.isError ? [part.name] : []));
    expect(names).toEqual(['web_fetch', 'web_search']);
  });
});
