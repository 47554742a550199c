// A shared launcher for the Control UI tests: builds the app (skipped when up to date),
// starts the scripted LLM, a real gateway over a real worker and Temporal, and a headless
// Debian Chromium through playwright-core. Every view test uses it.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ConfigInput } from '../../core/config/schema.js';
import { packageRoot } from '../../core/paths.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startGatewayHarness, type GatewayHarness } from './agent-harness.js';

/** Where screenshots go (git-ignored), one PNG per test, for people to look at. */
export const screenshotDir = join(packageRoot, 'test-output', 'screenshots');

/** A phone-sized viewport (and the desktop one the UI is designed for). */
export const phoneViewport = { width: 390, height: 844 };
export const desktopViewport = { width: 1280, height: 800 };

/** Options of a Control UI launch. */
export interface ControlUiOptions {
  temporalAddress: string;
  /** Merged into the gateway's config; give each test file its own agent id. */
  config?: ConfigInput;
  /** Gateway token; the page gets it in its address once (default: a fixed test token). */
  token?: string;
}

/** A running gateway + worker + LLM + browser. */
export interface ControlUi {
  llm: FakeLlmServer;
  gateway: GatewayHarness;
  browser: Browser;
  token: string;
  /**
   * Open the app at `hash` (e.g. '#/sessions'), signed in with the token, and wait until
   * it is connected. Page errors and console errors fail the test at `close`.
   */
  open(hash?: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** Save a screenshot as test-output/screenshots/<name>.png. */
  screenshot(page: Page, name: string): Promise<void>;
  /** Errors the pages reported (console errors, uncaught exceptions). */
  problems: string[];
  close(): Promise<void>;
}

/** Build web/dist if its sources changed (the same step `npm test`'s set-up runs). */
export function buildControlUi(): void {
  const result = spawnSync(process.execPath, [join(packageRoot, 'scripts', 'build-web.mjs')], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`Control UI build failed: ${result.stderr}`);
}

/** Poll until the assertion holds (the page renders what arrives over the WebSocket). */
export const eventually = <T>(read: () => T | Promise<T>) =>
  expect.poll(read, { timeout: 20_000, interval: 25 });

/** Start everything; close() it in afterAll. */
export async function startControlUi(options: ControlUiOptions): Promise<ControlUi> {
  buildControlUi();
  const token = options.token ?? 'control-ui-test-token';
  const llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  const gateway = await startGatewayHarness({
    temporalAddress: options.temporalAddress,
    llm,
    provider: 'anthropic',
    config: { ...options.config, gateway: { ...options.config?.gateway, auth: { token } } },
  });
  const browser = await chromium.launch({
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
  mkdirSync(screenshotDir, { recursive: true });
  const problems: string[] = [];
  return {
    llm,
    gateway,
    browser,
    token,
    problems,
    async open(hash = '', viewport = desktopViewport) {
      const page = await browser.newPage({ viewport });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await page.goto(`${gateway.url}/?token=${encodeURIComponent(token)}${hash}`);
      await eventually(() => page.locator('#status').getAttribute('data-state')).toBe('online');
      return page;
    },
    async screenshot(page, name) {
      await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
    },
    async close() {
      await browser?.close();
      await gateway?.close();
      await llm?.close();
    },
  };
}
