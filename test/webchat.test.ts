// The plain WebChat page (/webchat; the Control UI at / has its own tests) in a real
// headless Chromium against the real gateway, Temporal, an in-process worker and the
// scripted LLM server.
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from './fakes/llm-server.js';
import { startGatewayHarness, type GatewayHarness } from './helpers/agent-harness.js';

const TOKEN = 'webchat-test-token';
let llm: FakeLlmServer;
let gateway: GatewayHarness;
let browser: Browser;

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  gateway = await startGatewayHarness({
    temporalAddress: inject('temporalAddress'),
    llm,
    provider: 'anthropic',
    // Its own agent id, so its main session (agent:webchat:main) is not another test file's:
    // every file shares one Temporal server, where a session is one workflow id.
    config: { gateway: { auth: { token: TOKEN } }, agent: { id: 'webchat' } },
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await llm?.close();
});

/** Poll until the assertion holds (the page renders what arrives over the WebSocket). */
const eventually = <T>(read: () => T | Promise<T>) =>
  expect.poll(read, { timeout: 20_000, interval: 20 });

async function openChat(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(`${gateway.url}${path}`);
  await eventually(() => page.locator('#status').getAttribute('data-state')).toBe('online');
  expect(problems).toEqual([]);
  return page;
}

async function send(page: Page, text: string): Promise<void> {
  await page.locator('#message').fill(text);
  await page.keyboard.press('Enter');
}

describe('WebChat', () => {
  it('streams a reply with a tool call, then shows it all again after a reload', async () => {
    const answer = 'I saved the note to notes/web.txt and it reads: hello from the browser.';
    llm.scriptFor('web-note', [
      {
        kind: 'tool_calls',
        calls: [{ name: 'write_file', arguments: { path: 'notes/web.txt', content: 'hello' } }],
      },
      { kind: 'slow', text: answer, chunkDelayMs: 80 },
    ]);
    const page = await openChat(`/webchat?token=${TOKEN}`);
    // The token moved to localStorage and out of the address bar.
    expect(page.url()).not.toContain(TOKEN);

    await send(page, 'please keep a web-note for me');
    const turn = page.locator('article.assistant').last();
    await eventually(() => turn.locator('.tool-name').first().textContent()).toBe('write_file');
    await eventually(() => turn.locator('.tool-status').first().textContent()).toBe('done');
    // Mid-stream: some of the answer is shown, not all of it, and the turn is marked busy.
    await eventually(async () => {
      const text = (await turn.locator('.bubble').last().textContent()) ?? '';
      return text.length > 0 && text.length < answer.length && answer.startsWith(text);
    }).toBe(true);
    expect(await turn.getAttribute('aria-busy')).toBe('true');
    await eventually(() => turn.locator('.bubble').last().textContent()).toBe(answer);
    await eventually(() => turn.getAttribute('aria-busy')).toBe('false');
    expect(await page.locator('#abort').isDisabled()).toBe(true);
    await turn.locator('.tool summary').first().click();
    await page.screenshot({ path: '/tmp/webchat.png' });

    await page.reload();
    await eventually(() => page.locator('#status').getAttribute('data-state')).toBe('online');
    await eventually(() => page.locator('article.user .bubble').first().textContent()).toBe(
      'please keep a web-note for me',
    );
    const restored = page.locator('article.assistant').last();
    await eventually(() => restored.locator('.tool-name').first().textContent()).toBe('write_file');
    expect(await restored.locator('.tool-status').first().textContent()).toBe('done');
    expect(await restored.locator('.bubble').last().textContent()).toBe(answer);
    await page.close();
  });

  it('aborts a running reply and shows errors', async () => {
    const endless = Array.from({ length: 300 }, (_, index) => `w${index}`).join(' ');
    llm.scriptFor('web-endless', [{ kind: 'slow', text: endless, chunkDelayMs: 50 }]);
    llm.scriptFor('web-broken', [{ kind: 'error', status: 401, message: 'invalid x-api-key' }]);
    const page = await openChat(`/webchat?token=${TOKEN}&session=agent:main:web-abort`);
    expect(await page.locator('#session-label').textContent()).toBe('agent:main:web-abort');

    await send(page, 'tell a web-endless story');
    const turn = page.locator('article.assistant').last();
    await eventually(() => turn.locator('.bubble').count()).toBe(1);
    await page.locator('#abort').click();
    await eventually(() => turn.locator('.note.aborted').count()).toBe(1);
    expect(await page.locator('#abort').isDisabled()).toBe(true);

    await send(page, 'this is web-broken');
    const failed = page.locator('article.assistant').last();
    await eventually(() => failed.locator('.note.error').textContent()).toMatch(/API key/);
    // Deltas the aborted LLM call sent after its run ended did not start a third reply.
    expect(await page.locator('article.assistant').count()).toBe(2);
    await page.close();
  });

  it('asks for the token when the gateway refuses the connection', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${gateway.url}/webchat`);
    await eventually(() => page.locator('#status').getAttribute('data-state')).toBe('error');
    expect(await page.locator('#status').textContent()).toMatch(/token/);
    expect(await page.locator('#settings').getAttribute('open')).not.toBeNull();
    await page.locator('#token-input').fill(TOKEN);
    await page.getByRole('button', { name: 'Save and reconnect' }).click();
    await eventually(() => page.locator('#status').getAttribute('data-state')).toBe('online');
    await context.close();
  });
});
