// The Control UI's shell and its Chat, Sessions and Runs views in a real headless Chromium,
// against a real gateway, worker, Temporal and the scripted LLM. Every test saves a
// screenshot under test-output/screenshots/ for people to look at.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, phoneViewport, startControlUi, type ControlUi } from './helpers/control-ui.js';

let ui: ControlUi;
// Its own agent id: every test file shares one Temporal server, where a session is a workflow.
const AGENT = 'controlui';
const MAIN = `agent:${AGENT}:main`;

// A 1x1 PNG, the smallest image the model can be sent.
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

beforeAll(async () => {
  ui = await startControlUi({
    temporalAddress: inject('temporalAddress'),
    config: {
      agent: { id: AGENT },
      approvals: { tools: ['write_file'], timeoutMs: 120_000 },
    },
  });
});
afterAll(async () => {
  await ui?.close();
});

describe('Control UI', () => {
  it('streams a chat turn with a folded tool call and renders Markdown as text, not markup', async () => {
    const answer =
      'Here is **bold** and `code`.\n\n```js\nconst x = 1;\n```\n\n' +
      '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> ' +
      '[bad](javascript:alert(1)) [docs](https://example.com/docs)';
    ui.llm.scriptFor('ui-markdown', [
      {
        kind: 'tool_calls',
        calls: [{ name: 'read_file', arguments: { path: 'missing.txt' } }],
      },
      { kind: 'slow', text: answer, chunkDelayMs: 40 },
    ]);
    const page = await ui.open('#/chat');
    // The chat fills in the main session once the gateway's hello arrives.
    await eventually(() => page.locator('#session-input').inputValue()).toBe(MAIN);
    await page.locator('#message').fill('please ui-markdown');
    await page.keyboard.press('Enter');

    const turn = page.locator('article.assistant').last();
    await eventually(() => turn.locator('.tool-name').first().textContent()).toBe('read_file');
    // Mid-stream: some of the answer, marked busy, and Abort is possible.
    await eventually(async () => {
      const text = (await turn.locator('.bubble').last().textContent()) ?? '';
      return text.length > 0 && (await turn.getAttribute('aria-busy')) === 'true';
    }).toBe(true);
    expect(await page.locator('#abort').isDisabled()).toBe(false);
    await eventually(() => turn.getAttribute('aria-busy')).toBe('false');
    expect(await page.locator('#abort').isDisabled()).toBe(true);

    const bubble = turn.locator('.bubble').last();
    expect(await bubble.locator('strong').textContent()).toBe('bold');
    expect(await bubble.locator('pre code').textContent()).toBe('const x = 1;');
    // The HTML the model wrote is shown as text; nothing of it ran or became an element.
    expect(await bubble.textContent()).toContain('<img src=x onerror="window.__pwned=1">');
    expect(await bubble.locator('img, script').count()).toBe(0);
    // Links only to http(s): the javascript: one stayed text.
    expect(await bubble.locator('a').count()).toBe(1);
    expect(await bubble.locator('a').getAttribute('href')).toBe('https://example.com/docs');
    expect(await bubble.textContent()).toContain('[bad](javascript:alert(1))');
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();

    // The tool call is folded; opening it shows its arguments and its (error) result.
    const tool = turn.locator('details.tool').first();
    expect(await tool.getAttribute('open')).toBeNull();
    await tool.locator('summary').click();
    expect(await tool.locator('.tool-args').textContent()).toContain('missing.txt');
    await eventually(() => tool.locator('.tool-result').count()).toBe(1);
    await ui.screenshot(page, 'control-ui-chat');

    // After a reload the history shows the same turn.
    await page.reload();
    await eventually(() => page.locator('#status').getAttribute('data-state')).toBe('online');
    await eventually(() => page.locator('article.user .bubble').last().textContent()).toBe(
      'please ui-markdown',
    );
    const restored = page.locator('article.assistant').last();
    expect(await restored.locator('.tool-name').first().textContent()).toBe('read_file');
    expect(await restored.locator('.bubble strong').last().textContent()).toBe('bold');
    expect(ui.problems).toEqual([]);
    await page.close();
  });

  it('sends an image attachment and aborts a running reply', async () => {
    const endless = Array.from({ length: 300 }, (_, index) => `w${index}`).join(' ');
    ui.llm.scriptFor('ui-picture', [{ kind: 'slow', text: endless, chunkDelayMs: 50 }]);
    const session = `agent:${AGENT}:ui-attach`;
    const page = await ui.open(`#/chat/${encodeURIComponent(session)}`);
    expect(await page.locator('#session-input').inputValue()).toBe(session);
    await page
      .locator('#attach')
      .setInputFiles({ name: 'pixel.png', mimeType: 'image/png', buffer: PIXEL });
    await eventually(() => page.locator('.pending img').count()).toBe(1);
    await page.locator('#message').fill('what is in this ui-picture?');
    await page.locator('#send').click();

    await eventually(() => page.locator('article.user img.attachment').count()).toBe(1);
    const turn = page.locator('article.assistant').last();
    await eventually(() => turn.locator('.bubble').count()).toBe(1);
    await page.locator('#abort').click();
    await eventually(() => turn.locator('.note.aborted').count()).toBe(1);
    expect(await page.locator('#abort').isDisabled()).toBe(true);
    // The model received the image with the message.
    const request = ui.llm.requests.find((one) => one.userText.includes('ui-picture'));
    expect(JSON.stringify(request?.body)).toContain(PIXEL.toString('base64'));
    await ui.screenshot(page, 'control-ui-chat-attachment');
    expect(ui.problems).toEqual([]);
    await page.close();
  });

  it('loads older history when the conversation is scrolled to the top', async () => {
    const session = `agent:${AGENT}:ui-history`;
    const { store } = ui.gateway.harness;
    const entry = await store.ensure(session);
    const now = Date.now();
    await store.append(
      { sessionId: entry.sessionId, sessionKey: session },
      Array.from({ length: 120 }, (_, index) => ({
        type: 'message' as const,
        id: `seed-${index}`,
        ts: now + index,
        runId: `seed-${index}`,
        message: {
          role: 'user' as const,
          content: [{ type: 'text' as const, text: `old message ${index}` }],
          timestamp: now + index,
        },
      })),
    );
    const page = await ui.open(`#/chat/${encodeURIComponent(session)}`);
    const messages = page.locator('article.user .bubble');
    // The newest page first, scrolled to its end.
    await eventually(() => messages.count()).toBe(50);
    expect(await messages.first().textContent()).toBe('old message 70');
    const log = page.locator('section.log');
    const fromBottom = () =>
      log.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight);
    await eventually(fromBottom).toBeLessThan(5);
    await log.evaluate((element) => (element.scrollTop = 0));
    await eventually(() => messages.count()).toBe(120);
    expect(await messages.first().textContent()).toBe('old message 0');
    // The reader stays where they were (the older messages are above, out of view) instead
    // of being thrown to the top or the end.
    expect(await log.evaluate((element) => element.scrollTop)).toBeGreaterThan(100);
    expect(await fromBottom()).toBeGreaterThan(100);
    await ui.screenshot(page, 'control-ui-chat-history');
    expect(ui.problems).toEqual([]);
    await page.close();
  });

  it('lists sessions with channel and tokens, renames, shows a transcript and deletes', async () => {
    const session = `agent:${AGENT}:ui-sessions`;
    ui.llm.scriptFor('ui-sessions hello', [{ kind: 'text', text: 'hello from the sessions test' }]);
    const runId = await ui.gateway.harness.send(session, 'ui-sessions hello');
    await ui.gateway.harness.wait(runId, session);

    const page = await ui.open('#/sessions');
    const row = page.locator(`tr[data-key="${session}"]`);
    await eventually(() => row.count()).toBe(1);
    expect(await row.locator('.channel').textContent()).toContain('test');
    expect(await row.locator('.tokens').textContent()).toMatch(/[1-9]\d* \/ [1-9]\d* \/ [1-9]/);

    await row.getByRole('button', { name: 'Rename' }).click();
    await row.getByLabel('Label').fill('My UI session');
    await row.getByRole('button', { name: 'Save' }).click();
    await eventually(() => row.locator('.label').textContent()).toBe('My UI session');
    expect((await ui.gateway.harness.store.get(session))?.label).toBe('My UI session');

    await row.getByRole('button', { name: 'Transcript' }).click();
    await eventually(() => page.locator('.transcript .message.assistant').count()).toBe(1);
    expect(await page.locator('.transcript').textContent()).toContain(
      'hello from the sessions test',
    );
    expect(page.url()).toContain(`#/sessions/${encodeURIComponent(session)}`);
    await ui.screenshot(page, 'control-ui-sessions');

    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await eventually(() => row.count()).toBe(0);
    expect(await ui.gateway.harness.store.get(session)).toBeUndefined();
    expect(ui.problems).toEqual([]);
    await page.close();
  });

  it('shows a pending approval, allows it from the UI, and links the run to the Temporal UI', async () => {
    const session = `agent:${AGENT}:ui-approval`;
    ui.llm.scriptFor('ui-approve', [
      {
        kind: 'tool_calls',
        calls: [{ name: 'write_file', arguments: { path: 'ui-approved.txt', content: 'ok' } }],
      },
      { kind: 'text', text: 'written after approval from the UI' },
    ]);
    const runId = await ui.gateway.harness.send(session, 'ui-approve this write');

    const page = await ui.open('#/runs');
    const approval = page.locator('li.approval');
    await eventually(() => approval.count()).toBe(1);
    expect(await approval.locator('.tool').textContent()).toBe('write_file');
    expect(await approval.locator('.args').textContent()).toContain('ui-approved.txt');
    const running = page.locator(`tr[data-run="${runId}"]`);
    await eventually(() => running.getAttribute('data-state')).toBe('awaiting-approval');
    await ui.screenshot(page, 'control-ui-runs-approval');

    await approval.getByRole('button', { name: 'Allow' }).click();
    expect(await ui.gateway.harness.wait(runId, session)).toMatchObject({
      status: 'ok',
      text: 'written after approval from the UI',
    });
    await eventually(() => page.locator('li.approval').count()).toBe(0);
    await eventually(() => running.getAttribute('data-state')).toBe('ok');
    const link = await running.locator('a.temporal').getAttribute('href');
    expect(link).toMatch(
      new RegExp(
        `^http://127\\.0\\.0\\.1:8233/namespaces/default/workflows/${encodeURIComponent(`session:${session}`)}/[0-9a-f-]+/history$`,
      ),
    );
    await ui.screenshot(page, 'control-ui-runs');
    expect(ui.problems).toEqual([]);
    await page.close();
  });

  it('asks for approval inside the chat and goes on once allowed there', async () => {
    const session = `agent:${AGENT}:ui-chat-approval`;
    ui.llm.scriptFor('ui-chat-approve', [
      {
        kind: 'tool_calls',
        calls: [{ name: 'write_file', arguments: { path: 'chat-approved.txt', content: 'ok' } }],
      },
      { kind: 'text', text: 'written after approval in the chat' },
    ]);
    const page = await ui.open(`#/chat/${encodeURIComponent(session)}`);
    await page.locator('#message').fill('ui-chat-approve please');
    await page.keyboard.press('Enter');
    const turn = page.locator('article.assistant').last();
    const approval = turn.locator('.approval');
    await eventually(() => approval.getAttribute('data-state')).toBe('pending');
    expect(await approval.locator('code').textContent()).toBe('write_file');
    await ui.screenshot(page, 'control-ui-chat-approval');
    await approval.getByRole('button', { name: 'Allow' }).click();
    await eventually(() => turn.locator('.bubble').last().textContent()).toBe(
      'written after approval in the chat',
    );
    expect(await approval.getAttribute('data-state')).toBe('approve');
    expect(await turn.locator('.tool-status').first().textContent()).toBe('done');
    expect(ui.problems).toEqual([]);
    await page.close();
  });

  it('works at phone size: the navigation folds into a menu', async () => {
    const page = await ui.open('#/chat', phoneViewport);
    const nav = page.locator('nav#nav');
    expect(await nav.isVisible()).toBe(false);
    await ui.screenshot(page, 'control-ui-phone-chat');
    await page.getByRole('button', { name: 'Menu' }).click();
    expect(await nav.isVisible()).toBe(true);
    await ui.screenshot(page, 'control-ui-phone-menu');
    await nav.locator('a[data-view="sessions"]').click();
    await eventually(() => page.locator('table.sessions').count()).toBe(1);
    expect(await nav.isVisible()).toBe(false);
    // No horizontal scrolling: the page fits the phone's width.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      phoneViewport.width,
    );
    await ui.screenshot(page, 'control-ui-phone-sessions');
    expect(ui.problems).toEqual([]);
    await page.close();
  });

  it('asks for the token when the gateway refuses, and keeps it once entered', async () => {
    const context = await ui.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${ui.gateway.url}/#/runs`);
    await eventually(() => page.locator('#status').getAttribute('data-state')).toBe('auth-failed');
    await page.locator('#auth-secret').fill(ui.token);
    await ui.screenshot(page, 'control-ui-auth');
    await page.getByRole('button', { name: 'Connect' }).click();
    await eventually(() => page.locator('#status').getAttribute('data-state')).toBe('online');
    await eventually(() => page.locator('h2.runs-title').count()).toBe(1);
    // Kept in the browser: a new page of the same browser connects without asking.
    const again = await context.newPage();
    await again.goto(`${ui.gateway.url}/`);
    await eventually(() => again.locator('#status').getAttribute('data-state')).toBe('online');
    await context.close();
  });
});
