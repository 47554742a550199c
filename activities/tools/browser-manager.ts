// One Chromium per host and profile, driven over CDP. Chromium is started as a detached
// process with its own user data dir (<dir>/<profile>/user-data: cookies and logins kept) and
// the CDP endpoint is recorded in <dir>/<profile>/cdp.json, so the browser outlives the
// worker that started it and the next worker connects to it again instead of losing the
// user's tabs. Its only network path is the guard proxy (browser-proxy.ts) of the worker
// that drives it; a worker that takes over a browser starts the proxy on the recorded port.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { BrowserConfig } from '../../core/config/browser-schema.js';
import { startGuardProxy, type BlockedRequest, type GuardProxy } from './browser-proxy.js';
import { ToolError } from './tool.js';

/** What cdp.json holds. */
interface EndpointRecord {
  pid: number;
  wsEndpoint: string;
  proxyPort: number;
  startedAt: number;
  /** The active tab when a call last ended, so the next worker continues on it. */
  activeTab?: string;
}

/** How the dialog that opens next is answered (set by the `dialog` action). */
export interface DialogAnswer {
  accept: boolean;
  promptText?: string;
}

/** A profile's running browser as this worker holds it. */
export interface BrowserSession {
  profile: string;
  browser: Browser;
  context: BrowserContext;
  pid: number;
  startedAt: number;
  /** The tab actions address when they name none. */
  activeTab?: string;
  /** Connections the guard refused, newest last (the tool reports the ones of its call). */
  blocked: BlockedRequest[];
  /** Console messages and dialogs per tab, newest last. */
  console: Map<string, string[]>;
  nextDialog?: DialogAnswer;
}

/** How `use` came by its session: the model is told when a browser was (re)found or (re)started. */
export type SessionOrigin = 'running' | 'reconnected' | 'started' | 'restarted';

/** Where the manager keeps profiles and how it reads the (live) config. */
export interface BrowserManagerOptions {
  /** `<stateDir>/browser` */
  dir: string;
  config: () => BrowserConfig;
}

const consoleLimit = 200;
const startTimeoutMs = 20_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The CDP target id of a tab: Chromium's own, so it survives a reconnect. */
export async function tabId(page: Page): Promise<string> {
  const session = await page.context().newCDPSession(page);
  try {
    const { targetInfo } = (await session.send('Target.getTargetInfo')) as {
      targetInfo: { targetId: string };
    };
    return targetInfo.targetId.slice(0, 8).toLowerCase();
  } finally {
    await session.detach().catch(() => {});
  }
}

/** This worker's browsers, one per profile; created once per worker and passed to the tool. */
export class BrowserManager {
  private readonly sessions = new Map<string, BrowserSession>();
  private readonly proxies = new Map<string, GuardProxy>();
  private readonly pending = new Map<
    string,
    Promise<{ session: BrowserSession; origin: SessionOrigin }>
  >();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: BrowserManagerOptions) {}

  private profileDir(profile: string) {
    return join(this.options.dir, profile);
  }

  private recordFile(profile: string) {
    return join(this.profileDir(profile), 'cdp.json');
  }

  private readRecord(profile: string): EndpointRecord | undefined {
    try {
      return JSON.parse(readFileSync(this.recordFile(profile), 'utf8')) as EndpointRecord;
    } catch {
      return undefined;
    }
  }

  /** The session this worker holds for `profile`, if connected. */
  current(profile: string): BrowserSession | undefined {
    const session = this.sessions.get(profile);
    return session?.browser.isConnected() ? session : undefined;
  }

  /** Whether a browser recorded for `profile` is running (maybe started by another worker). */
  recorded(profile: string): EndpointRecord | undefined {
    const record = this.readRecord(profile);
    return record && alive(record.pid) ? record : undefined;
  }

  /**
   * The profile's browser: the one held, else the one recorded (reconnected), else a new one.
   * With `start: false` a profile without a running browser is an error, not a start.
   */
  async use(
    profile: string,
    options: { start: boolean },
  ): Promise<{ session: BrowserSession; origin: SessionOrigin }> {
    if (!this.options.config().enabled) {
      throw new ToolError(
        'BROWSER_UNAVAILABLE',
        'The browser is disabled (browser.enabled is false).',
      );
    }
    const held = this.current(profile);
    if (held) {
      this.touch(profile);
      return { session: held, origin: 'running' };
    }
    // Two calls at once must not start two browsers on one user data dir.
    let pending = this.pending.get(profile);
    if (!pending) {
      pending = this.open(profile, options.start).finally(() => this.pending.delete(profile));
      this.pending.set(profile, pending);
    }
    const result = await pending;
    this.touch(profile);
    return result;
  }

  private async open(profile: string, start: boolean) {
    await this.dropSession(profile);
    const record = this.readRecord(profile);
    if (record && alive(record.pid)) {
      const session = await this.reconnect(profile, record).catch(() => undefined);
      if (session) return { session, origin: 'reconnected' as const };
      // Recorded but unusable (hung, or its proxy port is taken): replace it.
      this.kill(record.pid);
    }
    if (!start) {
      throw new ToolError(
        'BROWSER_NOT_RUNNING',
        `No browser is running for profile "${profile}"; use action "start" or "open" first.`,
      );
    }
    const session = await this.launch(profile);
    return { session, origin: record ? ('restarted' as const) : ('started' as const) };
  }

  private async startProxy(profile: string, port?: number) {
    const blocked: BlockedRequest[] = [];
    const proxy = await startGuardProxy({
      allowHosts: () => this.options.config().allowHosts,
      onBlocked: (entry) => {
        blocked.push(entry);
        if (blocked.length > 50) blocked.shift();
      },
      ...(port !== undefined ? { port } : {}),
    });
    this.proxies.set(profile, proxy);
    return { proxy, blocked };
  }

  private async reconnect(profile: string, record: EndpointRecord): Promise<BrowserSession> {
    const { blocked } = await this.startProxy(profile, record.proxyPort);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.connectOverCDP(record.wsEndpoint, { timeout: 5_000 });
    return this.adopt(profile, browser, record, blocked);
  }

  private async launch(profile: string): Promise<BrowserSession> {
    const config = this.options.config();
    const dir = this.profileDir(profile);
    const userDataDir = join(dir, 'user-data');
    mkdirSync(userDataDir, { recursive: true });
    const portFile = join(userDataDir, 'DevToolsActivePort');
    rmSync(portFile, { force: true });
    const { proxy, blocked } = await this.startProxy(profile);
    const args = [
      `--user-data-dir=${userDataDir}`,
      '--remote-debugging-port=0',
      '--remote-debugging-address=127.0.0.1',
      `--proxy-server=http://127.0.0.1:${proxy.port}`,
      // Chromium sends localhost and loopback past any proxy unless told not to.
      '--proxy-bypass-list=<-loopback>',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      ...(config.headless ? ['--headless=new', '--hide-scrollbars', '--mute-audio'] : []),
      // Chromium's sandbox does not run as root (containers); the profile is still our own.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      'about:blank',
    ];
    let child;
    try {
      // Detached: the browser survives the worker (the next worker reconnects to it).
      child = spawn(config.executablePath, args, { detached: true, stdio: 'ignore' });
    } catch (error) {
      throw new ToolError(
        'BROWSER_UNAVAILABLE',
        `Could not start ${config.executablePath}: ${(error as Error).message}`,
      );
    }
    const exited = new Promise<string>((resolve) => {
      child.once('error', (error) => resolve(error.message));
      child.once('exit', (code, signal) => resolve(`exited with ${signal ?? code}`));
    });
    child.unref();
    const wsEndpoint = await Promise.race([
      this.waitForPortFile(portFile),
      exited.then((why) => {
        throw new ToolError(
          'BROWSER_UNAVAILABLE',
          `Chromium (${config.executablePath}) ${why} on start.`,
        );
      }),
    ]);
    const record: EndpointRecord = {
      pid: child.pid!,
      wsEndpoint,
      proxyPort: proxy.port,
      startedAt: Date.now(),
    };
    writeFileSync(this.recordFile(profile), JSON.stringify(record));
    // Playwright loads with the first browser, not with every worker that might run one.
    const { chromium } = await import('playwright-core');
    const browser = await chromium.connectOverCDP(wsEndpoint);
    return this.adopt(profile, browser, record, blocked);
  }

  private async waitForPortFile(portFile: string): Promise<string> {
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      try {
        const [port, path] = readFileSync(portFile, 'utf8').split('\n');
        if (port && path) return `ws://127.0.0.1:${port.trim()}${path.trim()}`;
      } catch {
        // Not written yet.
      }
      await sleep(25);
    }
    throw new ToolError(
      'BROWSER_UNAVAILABLE',
      `Chromium did not open its DevTools port within ${startTimeoutMs / 1000} s.`,
    );
  }

  private async adopt(
    profile: string,
    browser: Browser,
    record: EndpointRecord,
    blocked: BlockedRequest[],
  ): Promise<BrowserSession> {
    const context = browser.contexts()[0] ?? (await browser.newContext());
    const session: BrowserSession = {
      profile,
      browser,
      context,
      pid: record.pid,
      startedAt: record.startedAt,
      blocked,
      console: new Map(),
    };
    const watch = (page: Page) => void this.watchPage(session, page);
    for (const page of context.pages()) watch(page);
    context.on('page', watch);
    if (context.pages().length === 0) await context.newPage();
    // The tab that was active for the worker before; the order of pages() after a reconnect
    // says nothing about which one that was.
    const ids = await Promise.all(context.pages().map((page) => tabId(page)));
    const blankless = context.pages().findLastIndex((page) => page.url() !== 'about:blank');
    session.activeTab =
      record.activeTab && ids.includes(record.activeTab)
        ? record.activeTab
        : ids[blankless >= 0 ? blankless : ids.length - 1];
    browser.on('disconnected', () => {
      if (this.sessions.get(profile) === session) this.sessions.delete(profile);
    });
    this.sessions.set(profile, session);
    return session;
  }

  private async watchPage(session: BrowserSession, page: Page) {
    const id = await tabId(page).catch(() => undefined);
    if (!id) return;
    const log = (line: string) => {
      const lines = session.console.get(id) ?? [];
      lines.push(line);
      if (lines.length > consoleLimit) lines.shift();
      session.console.set(id, lines);
    };
    page.on('console', (message) => log(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => log(`[pageerror] ${error.message}`));
    page.on('dialog', (dialog) => {
      const answer = session.nextDialog;
      session.nextDialog = undefined;
      log(
        `[dialog ${dialog.type()}] ${dialog.message()} -> ${answer?.accept ? 'accepted' : 'dismissed'}`,
      );
      // An unanswered dialog would block the page; without an armed answer it is dismissed.
      void (answer?.accept ? dialog.accept(answer.promptText) : dialog.dismiss()).catch(() => {});
    });
  }

  /** Record the session's active tab for a worker that takes the browser over later. */
  remember(session: BrowserSession): void {
    const record = this.readRecord(session.profile);
    if (!record || record.pid !== session.pid || record.activeTab === session.activeTab) return;
    const { activeTab: _previous, ...rest } = record;
    const next = session.activeTab ? { ...rest, activeTab: session.activeTab } : rest;
    writeFileSync(this.recordFile(session.profile), JSON.stringify(next));
  }

  /** The tab `id` (or the active tab), or TAB_NOT_FOUND. */
  async page(session: BrowserSession, id?: string): Promise<Page> {
    const wanted = id ?? session.activeTab;
    for (const page of session.context.pages()) {
      if (wanted === undefined || (await tabId(page)) === wanted) return page;
    }
    if (id === undefined) {
      const page = await session.context.newPage();
      session.activeTab = await tabId(page);
      return page;
    }
    throw new ToolError('TAB_NOT_FOUND', `No open tab has id "${id}"; action "tabs" lists them.`, {
      tab: id,
    });
  }

  private touch(profile: string) {
    clearTimeout(this.idleTimers.get(profile));
    const timer = setTimeout(() => void this.stop(profile), this.options.config().idleStopMs);
    // An idle browser must not keep a worker that is shutting down alive.
    timer.unref();
    this.idleTimers.set(profile, timer);
  }

  private async dropSession(profile: string) {
    const session = this.sessions.get(profile);
    this.sessions.delete(profile);
    await session?.browser.close().catch(() => {});
    await this.proxies.get(profile)?.close();
    this.proxies.delete(profile);
  }

  private kill(pid: number) {
    try {
      // The whole process group: Chromium's renderers and helpers too.
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }

  /** Stop the profile's browser (held or only recorded); whether one was running. */
  async stop(profile: string): Promise<boolean> {
    clearTimeout(this.idleTimers.get(profile));
    this.idleTimers.delete(profile);
    const record = this.readRecord(profile);
    const running = Boolean(this.current(profile)) || (record !== undefined && alive(record.pid));
    await this.dropSession(profile);
    if (record) this.kill(record.pid);
    rmSync(this.recordFile(profile), { force: true });
    return running;
  }

  /** Disconnect from every browser, leaving them running for the next worker (shutdown). */
  async detachAll(): Promise<void> {
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    for (const profile of [...this.sessions.keys()]) await this.dropSession(profile);
  }
}
