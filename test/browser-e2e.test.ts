// The browser tool inside real agent turns on Temporal: a screenshot reaches the scripted
// model as an image, and the browser outlives a worker killed between two tool calls (the
// next worker reconnects to it and says so).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TranscriptEntry } from '../core/sessions/index.js';
import { startFakeBrowserSite, type FakeBrowserSite } from './fakes/browser-site.js';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { startAgentHarness, type AgentHarness } from './helpers/agent-harness.js';

let llm: FakeLlmServer;
let site: FakeBrowserSite;
let harness: AgentHarness | undefined;

beforeAll(async () => {
  [llm, site] = await Promise.all([
    startFakeLlmServer({ apiKeys: ['test-key'] }),
    startFakeBrowserSite(),
  ]);
});
afterEach(async () => {
  if (!harness) return;
  // The browser is detached from the worker by design: stop it the way the next call would.
  try {
    const record = JSON.parse(
      readFileSync(join(harness.paths.stateDir, 'browser', 'default', 'cdp.json'), 'utf8'),
    ) as { pid: number };
    process.kill(-record.pid, 'SIGKILL');
  } catch {
    // No browser was started, or it is gone already.
  }
  await harness.close();
  harness = undefined;
});
afterAll(async () => {
  await Promise.all([llm?.close(), site?.close()]);
});

function toolResultTexts(entries: TranscriptEntry[]): string[] {
  return entries.flatMap((entry) =>
    entry.type === 'message' && entry.message.role === 'toolResult'
      ? [entry.message.content.map((block) => block.text).join('')]
      : [],
  );
}

const browserCall = (id: string, request: Record<string, unknown>) => ({
  kind: 'tool_calls' as const,
  calls: [{ id, name: 'browser', arguments: { request } }],
});

describe('browser in an agent turn', () => {
  it('the model sees the screenshot it asked for', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'anthropic',
      config: { browser: { allowHosts: ['127.0.0.1'] } },
    });
    llm.scriptFor('look at the colors page', [
      browserCall('call_open', { action: 'open', url: `${site.url}/colors` }),
      browserCall('call_shot', { action: 'screenshot' }),
      { kind: 'text', text: 'The page is green.' },
    ]);
    const sessionKey = 'agent:main:browser-screenshot';
    const runId = await harness.send(sessionKey, 'please look at the colors page');
    const outcome = await harness.wait(runId, sessionKey, 120_000);
    expect(outcome).toMatchObject({ status: 'ok', text: 'The page is green.' });

    // The request after the screenshot carries it as an image inside the tool_result.
    const last = llm.requests.at(-1)!;
    const messages = (last.body as { messages: { role: string; content: unknown }[] }).messages;
    const results = (messages.at(-1)!.content as { type: string; content: unknown }[]).filter(
      (block) => block.type === 'tool_result',
    );
    const parts = results.at(-1)!.content as {
      type: string;
      source?: { type: string; media_type: string; data: string };
    }[];
    expect(parts.map((part) => part.type)).toEqual(['text', 'image']);
    expect(parts[1]!.source).toMatchObject({ type: 'base64', media_type: 'image/png' });
    const png = Buffer.from(parts[1]!.source!.data, 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');

    // The transcript keeps the image with the result (history sent later includes it).
    const transcript = await harness.transcript(sessionKey);
    const shot = transcript.find(
      (entry) =>
        entry.type === 'message' &&
        entry.message.role === 'toolResult' &&
        entry.message.toolCallId === 'call_shot',
    );
    expect(
      shot?.type === 'message' && shot.message.role === 'toolResult' && shot.message.images,
    ).toHaveLength(1);
  });

  it('a worker killed between two calls: the next worker reconnects to the same browser', async () => {
    harness = await startAgentHarness({
      temporalAddress: inject('temporalAddress'),
      llm,
      provider: 'openai',
      worker: 'child',
      config: { browser: { allowHosts: ['127.0.0.1'] } },
    });
    const sessionKey = 'agent:main:browser-crash';
    llm.scriptFor('open the club form', [
      browserCall('call_open', { action: 'open', url: `${site.url}/form` }),
      { kind: 'text', text: 'Opened.' },
    ]);
    const first = await harness.send(sessionKey, 'open the club form');
    expect(await harness.wait(first, sessionKey, 120_000)).toMatchObject({ status: 'ok' });

    const worker = harness.workerProcess!;
    worker.child.kill('SIGKILL');
    await worker.exited;
    harness.startChildWorker();

    llm.scriptFor('read the club form', [
      browserCall('call_snapshot', { action: 'snapshot' }),
      { kind: 'text', text: 'Read.' },
    ]);
    const second = await harness.send(sessionKey, 'read the club form');
    expect(await harness.wait(second, sessionKey, 120_000)).toMatchObject({ status: 'ok' });

    const [opened, snapshot] = toolResultTexts(await harness.transcript(sessionKey));
    expect(opened).toContain('Started the browser');
    // The tab opened before the crash is still there: same browser, reconnected.
    expect(snapshot).toContain('Reconnected to the browser');
    expect(snapshot).toContain('- heading "Join the tide pool club"');
  }, 240_000);
});
