import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startAgentHarness, type AgentHarness } from '../helpers/agent-harness.js';
import { turn } from './helpers.js';

type Json = Record<string, unknown>;
const ephemeral = { type: 'ephemeral' };

let llm: FakeLlmServer;
beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'], promptCache: true });
});
afterAll(() => llm.close());

describe('prompt caching (anthropic)', () => {
  let harness: AgentHarness;
  beforeAll(async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'anthropic',
    });
  });
  afterAll(() => harness.close());

  it('marks tools, system and the newest message as cache breakpoints; later turns read the cache', async () => {
    const key = 'agent:main:context-cache-anthropic';
    const before = llm.requests.length;
    for (const text of ['one', 'two', 'three']) await turn(harness, key, text);
    const requests = llm.requests.slice(before);
    for (const request of requests) {
      const body = request.body as {
        system: Json[];
        tools: Json[];
        messages: { content: Json[] }[];
      };
      expect(body.system.at(-1)?.cache_control).toEqual(ephemeral);
      expect(body.tools.at(-1)?.cache_control).toEqual(ephemeral);
      expect(body.tools.slice(0, -1).some((tool) => tool.cache_control)).toBe(false);
      expect(body.messages.at(-1)?.content.at(-1)?.cache_control).toEqual(ephemeral);
    }
    // The second and third calls find the first ones' prefixes in the cache.
    expect(requests[0]!.cache!.cacheRead).toBe(0);
    expect(requests[2]!.cache!.cacheRead).toBeGreaterThan(requests[2]!.cache!.input);
    // ... the history included: each call reads up to the previous call's newest message.
    expect(requests[2]!.cache!.cacheRead).toBeGreaterThan(requests[1]!.cache!.cacheRead);
    const entry = await harness.store.get(key);
    expect(entry?.cacheReadTokens).toBe(requests[2]!.cache!.cacheRead);
    expect(entry?.cacheWriteTokens).toBe(requests[2]!.cache!.cacheWrite);
  });
});

describe('prompt caching (openai)', () => {
  let harness: AgentHarness;
  beforeAll(async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'openai',
    });
  });
  afterAll(() => harness.close());

  it('keeps the prefix byte-stable from turn to turn, so the automatic cache applies', async () => {
    const key = 'agent:main:context-cache-openai';
    const before = llm.requests.length;
    for (const text of ['one', 'two', 'three']) await turn(harness, key, text);
    const requests = llm.requests.slice(before);
    for (const [index, request] of requests.entries()) {
      if (index === 0) continue;
      const previous = requests[index - 1]!.body as { messages: unknown[]; tools: unknown[] };
      const current = request.body as { messages: unknown[]; tools: unknown[] };
      expect(JSON.stringify(current.tools)).toBe(JSON.stringify(previous.tools));
      expect(JSON.stringify(current.messages.slice(0, previous.messages.length))).toBe(
        JSON.stringify(previous.messages),
      );
    }
    expect(requests.at(-1)!.cache!.cacheRead).toBeGreaterThan(1024);
    expect((await harness.store.get(key))?.cacheReadTokens).toBe(requests.at(-1)!.cache!.cacheRead);
  });
});
