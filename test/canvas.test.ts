// The canvas tool in real agent turns: a canvas viewer page open in real headless Chromium,
// the scripted model presents a page, reads a value from it with eval and sees a snapshot.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import type { TranscriptEntry } from '../core/sessions/index.js';
import { freePort } from '../core/net.js';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { startGatewayHarness, type GatewayHarness } from './helpers/agent-harness.js';

const TOKEN = 'canvas-test-token';
let llm: FakeLlmServer;
let gateway: GatewayHarness;
let browser: Browser;

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  gateway = await startGatewayHarness({
    temporalAddress: inject('temporalAddress'),
    llm,
    provider: 'anthropic',
    // The tool reaches the gateway at its configured port, as a worker does.
    config: { gateway: { port: await freePort(), auth: { token: TOKEN } } },
    listenOnConfigPort: true,
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await llm?.close();
});

const eventually = <T>(read: () => T | Promise<T>) =>
  expect.poll(read, { timeout: 20_000, interval: 50 });

const canvasCall = (id: string, request: Record<string, unknown>) => ({
  kind: 'tool_calls' as const,
  calls: [{ id, name: 'canvas', arguments: { request } }],
});

function toolResult(entries: TranscriptEntry[], toolCallId: string) {
  for (const entry of entries)
    if (
      entry.type === 'message' &&
      entry.message.role === 'toolResult' &&
      entry.message.toolCallId === toolCallId
    )
      return entry.message;
  return undefined;
}

async function openViewer(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  await page.goto(`${gateway.url}/canvas-viewer?token=${TOKEN}`);
  await eventually(() => page.evaluate(() => document.body.dataset.state)).toBe('online');
  return page;
}

const PAGE = `<!doctype html><html><body style="background:#0a0">
<h1 id="title">Hello canvas</h1>
<script>window.answer = 6 * 7;</script>
</body></html>`;

describe('canvas', () => {
  it('presents a page in the viewer, evals in it, and the model sees a snapshot', async () => {
    const viewer = await openViewer();
    // Closed even when an assertion fails: the next test needs no viewer connected.
    onTestFinished(() => viewer.close());
    llm.scriptFor('draw the canvas', [
      canvasCall('call_present', { action: 'present', file: 'hello', html: PAGE }),
      canvasCall('call_eval', {
        action: 'eval',
        script: "document.getElementById('title').textContent + ':' + window.answer",
      }),
      canvasCall('call_snap', { action: 'snapshot' }),
      { kind: 'text', text: 'The canvas is green.' },
    ]);
    const sessionKey = 'agent:main:canvas-present';
    const runId = await gateway.harness.send(sessionKey, 'please draw the canvas');
    const outcome = await gateway.harness.wait(runId, sessionKey, 120_000);
    expect(outcome).toMatchObject({ status: 'ok', text: 'The canvas is green.' });

    // The viewer shows the page the agent wrote.
    const title = viewer.frameLocator('#frame').locator('#title');
    await eventually(() => title.textContent()).toBe('Hello canvas');
    expect(await viewer.evaluate(() => document.body.dataset.target)).toBe('/canvas/hello.html');

    const transcript = await gateway.harness.transcript(sessionKey);
    expect(toolResult(transcript, 'call_present')).toMatchObject({ isError: false });
    const evaluated = toolResult(transcript, 'call_eval');
    expect(evaluated?.content.map((block) => block.text).join('')).toBe('"Hello canvas:42"');

    // The request after the snapshot carries the PNG inside the tool_result.
    const last = llm.requests.at(-1)!;
    const messages = (last.body as { messages: { role: string; content: unknown }[] }).messages;
    const results = (messages.at(-1)!.content as { type: string; content: unknown }[]).filter(
      (block) => block.type === 'tool_result',
    );
    const parts = results.at(-1)!.content as {
      type: string;
      source?: { media_type: string; data: string };
    }[];
    expect(parts.map((part) => part.type)).toEqual(['text', 'image']);
    expect(parts[1]!.source?.media_type).toBe('image/png');
    const png = Buffer.from(parts[1]!.source!.data, 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // It pictures the page: mostly its green background.
    const { channels } = await sharp(png).stats();
    expect(channels[1]!.mean).toBeGreaterThan(channels[0]!.mean + 50);

    // Live reload: a changed canvas file shows up in the viewer without a tool call.
    writeFileSync(
      join(gateway.harness.paths.stateDir, 'canvas', 'hello.html'),
      PAGE.replace('Hello canvas', 'Edited canvas'),
    );
    await eventually(() => title.textContent()).toBe('Edited canvas');

    // navigate to another canvas file, then hide: the viewer follows both.
    writeFileSync(
      join(gateway.harness.paths.stateDir, 'canvas', 'other.html'),
      '<p id="other">Other page</p>',
    );
    llm.scriptFor('canvas elsewhere', [
      canvasCall('call_nav', { action: 'navigate', target: 'other' }),
      { kind: 'text', text: 'Moved.' },
    ]);
    const moved = await gateway.harness.send(sessionKey, 'show the canvas elsewhere');
    await gateway.harness.wait(moved, sessionKey, 120_000);
    expect(await viewer.evaluate(() => document.body.dataset.target)).toBe('/canvas/other.html');
    await eventually(() => viewer.frameLocator('#frame').locator('#other').textContent()).toBe(
      'Other page',
    );
    llm.scriptFor('canvas away', [
      canvasCall('call_hide', { action: 'hide' }),
      { kind: 'text', text: 'Hidden.' },
    ]);
    const hidden = await gateway.harness.send(sessionKey, 'put the canvas away');
    await gateway.harness.wait(hidden, sessionKey, 120_000);
    expect(await viewer.locator('#frame').isHidden()).toBe(true);
    expect(await viewer.locator('#empty').isVisible()).toBe(true);
  });

  it('says so when no viewer is connected, and serves nothing outside the canvas folder', async () => {
    llm.scriptFor('canvas without viewer', [
      canvasCall('call_lonely', { action: 'present', html: '<p>hi</p>' }),
      { kind: 'text', text: 'Nobody is watching.' },
    ]);
    const sessionKey = 'agent:main:canvas-lonely';
    const runId = await gateway.harness.send(sessionKey, 'canvas without viewer please');
    await expect(gateway.harness.wait(runId, sessionKey, 120_000)).resolves.toMatchObject({
      status: 'ok',
    });
    const result = toolResult(await gateway.harness.transcript(sessionKey), 'call_lonely');
    expect(result?.isError).toBe(true);
    expect(result?.content.map((block) => block.text).join('')).toMatch(
      /No canvas viewer is connected/,
    );

    for (const path of ['/canvas/%2e%2e/clawdbot.json', '/canvas/..%2fclawdbot.json'])
      expect((await fetch(`${gateway.url}${path}`)).status).toBe(404);
    // Without the gateway token no one drives the viewers.
    const refused = await fetch(`${gateway.url}/internal/canvas`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'hide' }),
    });
    expect(refused.status).toBe(401);
  });
});
