// The operator views of the Control UI (Channels, Cron, Skills, Plugins, Nodes, Config,
// Logs, Canvas) in a real headless Chromium against the runtime `clawdbot gateway` runs
// (gateway, channels, worker, plugins, nodes, canvas; its log file) on the test run's
// Temporal server, the scripted LLM, Telegram (real grammy) against the fake Bot API, and
// `clawdbot node run` as a child process for the Nodes view. Every test saves what the person sees under
// test-output/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { callGateway } from '../../cli/gateway-client.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';
import { makeStateDir, spawnClawdbot, type CliProcess } from '../helpers/cli-process.js';
import {
  buildControlUi,
  desktopViewport,
  eventually,
  phoneViewport,
  screenshotDir,
} from '../helpers/control-ui.js';

const TOKEN = 'operator-views-token';
// Session keys and cron jobs live on the Temporal server every test file shares.
const agentId = 'uiviews';

let llm: FakeLlmServer;
let telegram: FakeTelegram;
let harness: ChannelGatewayHarness;
let browser: Browser;
let nodeProcess: CliProcess | undefined;
const problems: string[] = [];
const cronJobs: string[] = [];

/** A gateway method, authenticated as the UI is. */
const call = <T>(method: string, params?: unknown) =>
  callGateway(
    { url: `ws://127.0.0.1:${harness.config.gateway.port}/`, token: TOKEN, timeoutMs: 30_000 },
    method,
    params,
  ) as Promise<T>;

async function open(hash: string, viewport = desktopViewport): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(`${harness.url}/?token=${TOKEN}${hash}`);
  await eventually(() => page.locator('#status').getAttribute('data-state')).toBe('online');
  return page;
}

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });

beforeAll(async () => {
  buildControlUi();
  mkdirSync(screenshotDir, { recursive: true });
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  telegram = await startFakeTelegram();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    provider: 'anthropic',
    config: {
      agent: { id: agentId },
      gateway: { auth: { token: TOKEN } },
      session: { dmScope: 'per-channel-peer' },
    },
    // No allowFrom: a stranger who writes gets a pairing code (the default DM policy).
    channels: { telegram: { apiRoot: telegram.apiRoot, botToken: telegram.token } },
    logLevel: 'info',
    logFile: true,
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
}, 240_000);

afterAll(async () => {
  // Cron jobs are workflows that outlive this file: stop the ones it started.
  for (const id of cronJobs) await call('cron.remove', { id }).catch(() => undefined);
  nodeProcess?.child.kill('SIGTERM');
  await browser?.close();
  await harness?.close();
  await telegram?.close();
  await llm?.close();
});

// A loaded machine makes every step slow; nothing here measures time.
describe('Control UI operator views', { timeout: 240_000 }, () => {
  it('Channels shows the Telegram account connected and approves a pairing request', async () => {
    const page = await open('#/channels');
    const account = page.locator('table.accounts tr[data-channel="telegram"]');
    await eventually(() => account.getAttribute('data-state')).toBe('connected');

    // A stranger writes to the bot and gets a pairing code; the view lists the request.
    const stranger = { id: 7401, first_name: 'Stranger', username: 'stranger' };
    telegram.userSends({ from: stranger, text: 'let me in please' });
    const [codeMessage] = await telegram.waitFor(() => {
      const sent = telegram.sent.filter((record) => record.chatId === stranger.id);
      return sent.length > 0 && sent;
    });
    const code = /\b[A-HJ-NP-Z2-9]{8}\b/.exec(codeMessage!.text ?? '')?.[0];
    expect(code).toBeDefined();
    const row = page.locator(`table.pairing tr[data-code="${code}"]`);
    await eventually(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain(String(stranger.id));
    // Last inbound traffic shows once a message arrived.
    await eventually(() => account.locator('td[data-label="Last in"]').textContent()).not.toContain(
      'never',
    );
    await screenshot(page, 'channels-pairing-request');

    await row.getByRole('button', { name: 'Approve' }).click();
    await eventually(() => row.count()).toBe(0);
    // The sender was told, and is on the allow list: the gateway has no request left.
    await telegram.waitFor(
      () => telegram.sent.filter((record) => record.chatId === stranger.id).length >= 2,
    );
    expect((await call<{ requests: unknown[] }>('pairing.list', {})).requests).toEqual([]);
    await screenshot(page, 'channels-approved');

    // The same view on a phone: rows become cards, nothing wider than the screen.
    const phone = await open('#/channels', phoneViewport);
    await eventually(() =>
      phone.locator('table.accounts tr[data-channel="telegram"]').getAttribute('data-state'),
    ).toBe('connected');
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(phoneViewport.width);
    await screenshot(phone, 'channels-phone');
    await phone.close();
    await page.close();
  });

  it('Cron adds a job from the form, which cron.list then has, and runs it now', async () => {
    const page = await open('#/cron');
    await page.getByRole('button', { name: 'Add job' }).click();
    await page.locator('#cron-name').fill('ui-views morning digest');
    await page.locator('#cron-kind').selectOption('every');
    await page.locator('#cron-every').fill('720');
    await page.locator('#cron-session').fill(`agent:${agentId}:cron-ui`);
    await page.locator('#cron-message').fill('summarize the cron-ui news');
    await page.locator('form.job-form button[type="submit"]').click();

    const row = page.locator('table.jobs tr', { hasText: 'ui-views morning digest' });
    await eventually(() => row.count()).toBe(1);
    const id = await row.getAttribute('data-job');
    cronJobs.push(id!);
    const { jobs } = await call<{
      jobs: { id: string; name: string; schedule: { kind: string; everyMs?: number } }[];
    }>('cron.list', {});
    const added = jobs.find((job) => job.id === id);
    expect(added?.name).toBe('ui-views morning digest');
    expect(added?.schedule).toMatchObject({ kind: 'every', everyMs: 720 * 60_000 });
    // The next fire is 12 hours away.
    await eventually(() => row.locator('.next-fire').textContent()).toMatch(/in 12 hr|in 720 min/);

    await row.getByRole('button', { name: 'Run now' }).click();
    const run = page.locator('section.runs tr.run').first();
    await eventually(() => run.getAttribute('data-status')).toBe('ok');
    expect(await run.textContent()).toContain('manual');
    await screenshot(page, 'cron-job-ran');

    page.on('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Remove' }).click();
    await eventually(() => row.count()).toBe(0);
    expect((await call<{ jobs: { id: string }[] }>('cron.list', {})).jobs).not.toContainEqual(
      expect.objectContaining({ id }),
    );
    await page.close();
  });

  it('Skills shows eligibility, disables a skill and sets its key', async () => {
    const { skills } = await call<{ skills: { name: string; key: string }[] }>('skills.status', {});
    expect(skills.length).toBeGreaterThan(0);
    const skill = skills[0]!;
    const page = await open('#/skills');
    const row = page.locator(`table.skills tr[data-skill="${skill.name}"]`);
    await eventually(() => row.count()).toBe(1);
    await screenshot(page, 'skills');

    await row.locator('input.enabled').uncheck();
    await eventually(() => row.locator('.eligibility .badge').textContent()).toBe('disabled');
    await row.getByLabel(`API key of ${skill.name}`).fill('sk-skill-from-ui');
    await row.getByRole('button', { name: 'Save key' }).click();
    await eventually(() =>
      row.getByLabel(`API key of ${skill.name}`).getAttribute('placeholder'),
    ).toBe('set (type to replace)');
    const { parsed } = await call<{
      parsed: { skills: { entries: Record<string, { enabled?: boolean; apiKey?: string }> } };
    }>('config.get', {});
    // Written to clawdbot.json; the gateway never sends the key back.
    expect(parsed.skills.entries[skill.key]).toEqual({
      enabled: false,
      apiKey: '__CLAWDBOT_REDACTED__',
    });
    expect(await page.content()).not.toContain('sk-skill-from-ui');
    await screenshot(page, 'skills-disabled');
    await page.close();
  });

  it('Plugins and Nodes show what the gateway reports; a node asking to pair is approved', async () => {
    const { plugins } = await call<{ plugins: { id: string }[] }>('plugins.list', {});
    const page = await open('#/plugins');
    if (plugins.length > 0) {
      await eventually(() => page.locator('table.plugins tbody tr').count()).toBe(plugins.length);
    } else {
      await eventually(() => page.locator('.empty').textContent()).toContain('No plugins');
    }
    await screenshot(page, 'plugins');

    nodeProcess = spawnClawdbot([
      'node',
      'run',
      '--gateway',
      `ws://127.0.0.1:${harness.config.gateway.port}/`,
      '--state-dir',
      makeStateDir(),
      '--node-id',
      'ui-views-node',
      '--display-name',
      'UI test box',
    ]);
    await page.goto(`${harness.url}/#/nodes`);
    const pending = page.locator('table.pending tr', { hasText: 'UI test box' });
    // A fresh `clawdbot` process starts slowly on a busy machine.
    await expect.poll(() => pending.count(), { timeout: 180_000, interval: 100 }).toBe(1);
    await screenshot(page, 'nodes-pending');
    await pending.getByRole('button', { name: 'Approve' }).click();
    const node = page.locator('table.nodes tr[data-node="ui-views-node"]');
    await eventually(() => node.locator('.badge').first().textContent()).toBe('connected');
    await screenshot(page, 'nodes-connected');
    await page.close();
  });

  it('Config saves a form change and a raw edit that take effect; secrets stay masked', async () => {
    const page = await open('#/config');
    const before = await call<{ hash: string }>('config.get', {});

    // The gateway token is a password field that shows only that it is set.
    await page.locator('details[data-section="gateway"] > summary').click();
    const tokenInput = page.locator('#cfg-gateway-auth-token');
    expect(await tokenInput.getAttribute('type')).toBe('password');
    expect(await tokenInput.inputValue()).toBe('');
    expect(await tokenInput.getAttribute('placeholder')).toBe('set (type to replace)');
    expect(await page.content()).not.toContain(TOKEN);

    // A value out of range is flagged as typed, and cannot be saved.
    await page.locator('details[data-section="agent"] > summary').click();
    await page.locator('#cfg-agent-maxSteps').fill('999');
    await eventually(() =>
      page.locator('.field[data-path="agent.maxSteps"] .issue').textContent(),
    ).toBe('at most 200');
    expect(await page.locator('button.save').isDisabled()).toBe(true);
    await page.locator('#cfg-agent-maxSteps').fill('12');
    await eventually(() => page.locator('.validity').getAttribute('data-valid')).toBe('true');
    await screenshot(page, 'config-form');
    await page.locator('button.save').click();
    await eventually(async () => {
      const { config } = await call<{ config: { agent: { maxSteps: number } } }>('config.get', {});
      return config.agent.maxSteps;
    }).toBe(12);

    // The raw editor: an edit saved the same way; the token survives (it was sent redacted).
    await page.getByRole('button', { name: 'Raw JSON5' }).click();
    const raw = page.getByLabel('clawdbot.json');
    const text = await raw.inputValue();
    expect(text).toContain('__CLAWDBOT_REDACTED__');
    await raw.fill(
      text.replace('"session": {', '"session": {\n    debounceMs: 250, // from the UI'),
    );
    await eventually(() => page.locator('.validity').textContent()).toContain('Valid');
    await page.locator('button.save').click();
    await eventually(async () => {
      const { config } = await call<{ config: { session: { debounceMs: number } } }>(
        'config.get',
        {},
      );
      return config.session.debounceMs;
    }).toBe(250);
    const after = await call<{ hash: string; valid: boolean }>('config.get', {});
    expect(after.hash).not.toBe(before.hash);
    expect(after.valid).toBe(true);
    // Still authenticated with the same token: it was kept, not replaced by the marker.
    expect(await call('health', {})).toBeDefined();
    await screenshot(page, 'config-raw');
    await page.close();
  });

  it('Logs tails the gateway and worker logs, filtered by level and text', async () => {
    const page = await open('#/logs');
    const lines = page.locator('.log .line');
    await eventually(() => lines.count()).toBeGreaterThan(0);
    // The runtime's own lines, from its log file (worker lines come from the same process here).
    const processes = await lines.locator('.proc').allTextContents();
    expect(processes.some((text) => text.startsWith('gateway-'))).toBe(true);

    // A line written now arrives without a reload (the tail follows its cursor).
    telegram.userSends({ from: { id: 7402, first_name: 'Late' }, text: 'hello logs' });
    await eventually(() =>
      page.locator('.log .line', { hasText: 'pairing requested by 7402' }).count(),
    ).toBe(1);

    await page.locator('#session').fill('7402');
    await page.locator('#session').press('Enter');
    await eventually(async () => {
      const texts = await lines.locator('.msg').allTextContents();
      return texts.length > 0 && texts.every((text) => text.includes('7402'));
    }).toBe(true);
    await screenshot(page, 'logs-filtered');

    await page.locator('#session').fill('');
    await page.locator('#session').press('Enter');
    await page.locator('#level').selectOption('warn');
    await eventually(async () => {
      const levels = await lines.evaluateAll((nodes) =>
        nodes.map((node) => (node as HTMLElement).dataset.level),
      );
      return levels.every((level) => level === 'warn' || level === 'error');
    }).toBe(true);
    await page.close();
  });

  it('Canvas is a canvas viewer: a page the agent presents shows in the panel', async () => {
    const page = await open('#/canvas');
    await eventually(() => page.locator('.viewer-state').getAttribute('data-state')).toBe('online');
    llm.scriptFor('ui canvas please', [
      {
        kind: 'tool_calls',
        calls: [
          {
            id: 'call_ui_canvas',
            name: 'canvas',
            arguments: {
              request: {
                action: 'present',
                file: 'ui-views',
                html: '<!doctype html><h1 id="title">Drawn for the Control UI</h1>',
              },
            },
          },
        ],
      },
      { kind: 'text', text: 'It is on your canvas.' },
    ]);
    await call('chat.send', {
      sessionKey: `agent:${agentId}:canvas-ui`,
      message: 'ui canvas please',
      idempotencyKey: `canvas-ui-${Date.now()}`,
    });
    const title = page
      .frameLocator('cb-canvas-view iframe')
      .frameLocator('#frame')
      .locator('#title');
    await eventually(() => title.textContent()).toBe('Drawn for the Control UI');
    await eventually(() => page.locator('code.target').textContent()).toBe('/canvas/ui-views.html');
    await screenshot(page, 'canvas');
    await page.close();
  });

  it('no view wrote errors to the console', () => {
    expect(problems).toEqual([]);
  });
});
