import { mkdir } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { z } from 'zod';
import { configSchema } from '../../core/config/schema.js';
import { wrapUntrusted } from '../../core/security/untrusted.js';
import type { BrowserManager, BrowserSession, SessionOrigin } from './browser-manager.js';
import { tabId } from './browser-manager.js';
import { locateRef, snapshotPage } from './browser-snapshot.js';
import { parseFetchUrl, vetUrl } from './net-guard.js';
import { defineTool, ToolError, type ToolContext, type ToolResult } from './tool.js';
import { resolveWorkspacePath } from './workspace-path.js';

const DEFAULT_SETTINGS = configSchema.parse({}).browser;
const NAVIGATION_TIMEOUT_MS = 30_000;
const ACTION_TIMEOUT_MS = 10_000;
const DEFAULT_SNAPSHOT_CHARS = 20_000;

const tab = z.string().min(1).optional().describe('Tab id from "tabs" (default: the active tab).');
const ref = z.string().min(1).describe('Element ref from the latest snapshot, e.g. "e12".');
const url = z.string().min(1).describe('The http or https URL.');

const actSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('click'),
    ref,
    double: z.boolean().default(false).describe('Double-click.'),
  }),
  z.object({
    kind: z.literal('type'),
    ref,
    text: z.string().describe('Text typed key by key (appended to what the field holds).'),
    submit: z.boolean().default(false).describe('Press Enter afterwards.'),
  }),
  z.object({
    kind: z.literal('fill'),
    ref,
    text: z.string().describe("The field's new value (replaces what it holds)."),
  }),
  z.object({
    kind: z.literal('press'),
    key: z.string().min(1).describe('A key or chord, e.g. "Enter", "Control+A".'),
    ref: ref.optional(),
  }),
  z.object({ kind: z.literal('hover'), ref }),
  z.object({
    kind: z.literal('select'),
    ref,
    values: z.array(z.string()).min(1).describe('Option values or labels to select.'),
  }),
  z.object({
    kind: z.literal('wait'),
    text: z.string().optional().describe('Wait until this text is visible on the page.'),
    ms: z.number().int().min(0).max(30_000).optional().describe('Or simply wait this long.'),
  }),
  z.object({
    kind: z.literal('scroll'),
    ref: ref.optional().describe('Scroll this element into view; without it scroll the page.'),
    deltaY: z
      .number()
      .int()
      .default(600)
      .describe('Pixels to scroll the page down (negative: up).'),
  }),
  z.object({
    kind: z.literal('evaluate'),
    expression: z
      .string()
      .min(1)
      .describe('A JavaScript expression evaluated in the page; its JSON-able value is returned.'),
  }),
]);

const requestSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('status') }).describe('Whether the browser runs, its tabs.'),
  z.object({ action: z.literal('start') }).describe('Start (or reconnect to) the browser.'),
  z
    .object({ action: z.literal('stop') })
    .describe('Stop the browser (cookies stay in the profile).'),
  z.object({ action: z.literal('tabs') }).describe('List open tabs: id, title, URL.'),
  z
    .object({ action: z.literal('open'), url })
    .describe('Open a new tab at a URL; it becomes active.'),
  z
    .object({ action: z.literal('focus'), tab: z.string().min(1).describe('Tab id.') })
    .describe('Make a tab active.'),
  z.object({ action: z.literal('close'), tab }).describe('Close a tab.'),
  z.object({ action: z.literal('navigate'), url, tab }).describe('Load a URL in a tab.'),
  z
    .object({
      action: z.literal('snapshot'),
      tab,
      maxChars: z
        .number()
        .int()
        .min(500)
        .max(100_000)
        .default(DEFAULT_SNAPSHOT_CHARS)
        .describe('Cut the snapshot here.'),
    })
    .describe('The page as text: headings, text, and each interactive element with a ref for act.'),
  z
    .object({ action: z.literal('act'), tab, act: actSchema.describe('What to do.') })
    .describe('Act on the page.'),
  z
    .object({
      action: z.literal('screenshot'),
      tab,
      fullPage: z.boolean().default(false).describe('The whole page, not just the viewport.'),
      ref: ref.optional().describe('Only this element.'),
    })
    .describe('An image of the page that you will see.'),
  z
    .object({
      action: z.literal('pdf'),
      tab,
      path: z.string().min(1).default('browser/page.pdf').describe('Workspace path of the PDF.'),
    })
    .describe('Save the page as a PDF file in the workspace.'),
  z
    .object({
      action: z.literal('console'),
      tab,
      clear: z.boolean().default(false).describe('Clear after reading.'),
    })
    .describe('Console messages, page errors and dialogs of a tab.'),
  z
    .object({
      action: z.literal('upload'),
      tab,
      ref: ref.describe("The file input's ref."),
      paths: z.array(z.string().min(1)).min(1).describe('Workspace paths of the files.'),
    })
    .describe('Put workspace files into a file input.'),
  z
    .object({
      action: z.literal('dialog'),
      accept: z.boolean().describe('Accept (OK) or dismiss (Cancel) the next dialog.'),
      promptText: z.string().optional().describe('Text for a prompt() dialog.'),
    })
    .describe('How to answer the next alert/confirm/prompt (they are dismissed otherwise).'),
]);

type Request = z.output<typeof requestSchema>;
type Act = z.output<typeof actSchema>;

const inputSchema = z.object({
  profile: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/)
    .optional()
    .describe('Browser profile (its own cookies and logins); default browser.defaultProfile.'),
  request: requestSchema.describe('The action and its fields.'),
});

function settings(context: ToolContext) {
  return context.config?.browser ?? DEFAULT_SETTINGS;
}

function manager(context: ToolContext): BrowserManager {
  if (!context.browsers) {
    throw new ToolError(
      'UNAVAILABLE',
      'This worker has no browser manager; the browser tool cannot run here.',
    );
  }
  return context.browsers;
}

const originNotes: Record<SessionOrigin, string | undefined> = {
  running: undefined,
  reconnected:
    '[Reconnected to the browser that was already running (the worker had restarted); tabs and cookies are as they were.]',
  started: '[Started the browser.]',
  restarted:
    '[The browser recorded for this profile was gone (it crashed or the host restarted): started a new one. Earlier tabs are lost; cookies are kept.]',
};

async function describeTabs(session: BrowserSession): Promise<string> {
  const lines = await Promise.all(
    session.context.pages().map(async (page) => {
      const id = await tabId(page);
      const mark = id === session.activeTab ? '*' : ' ';
      return `${mark} ${id}  ${(await page.title().catch(() => '')) || '(untitled)'}  ${page.url()}`;
    }),
  );
  return lines.length > 0 ? `Tabs (* active):\n${lines.join('\n')}` : 'No tabs are open.';
}

/** Vet before loading, so a refused URL is a clear tool error instead of a proxy error page. */
async function vetNavigation(raw: string, context: ToolContext) {
  const target = parseFetchUrl(raw);
  try {
    await vetUrl(target, { allowHosts: settings(context).allowHosts, signal: context.signal });
  } catch (error) {
    if (error instanceof ToolError && error.code === 'URL_BLOCKED') {
      throw new ToolError(
        'URL_BLOCKED',
        error.message
          .replace('tools.web.fetch.allowHosts', 'browser.allowHosts')
          .replace('fetch', 'open'),
        error.details,
      );
    }
    throw error;
  }
  return target.href;
}

async function load(page: Page, href: string, session: BrowserSession) {
  const before = session.blocked.length;
  let status: number | undefined;
  try {
    const response = await page.goto(href, {
      waitUntil: 'domcontentloaded',
      timeout: NAVIGATION_TIMEOUT_MS,
    });
    status = response?.status();
  } catch (error) {
    const blocked = session.blocked.slice(before);
    if (blocked.length > 0) {
      throw new ToolError(
        'URL_BLOCKED',
        `Refused while loading ${href}: ${blocked.map((entry) => entry.reason).join(' ')}`,
      );
    }
    throw new ToolError(
      'BROWSER_ACTION_FAILED',
      `Could not load ${href}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const blocked = session.blocked.slice(before);
  // The main document itself refused (a redirect into the private network): say so plainly.
  if (blocked.some((entry) => entry.url === page.url() || page.url().startsWith(entry.url))) {
    throw new ToolError(
      'URL_BLOCKED',
      `Refused while loading ${href}: ${blocked.map((entry) => entry.reason).join(' ')}`,
      { url: href },
    );
  }
  const notes =
    blocked.length > 0
      ? `\n[${blocked.length} request(s) of the page to private or local addresses were refused: ${blocked
          .map((entry) => entry.url)
          .slice(0, 5)
          .join(', ')}]`
      : '';
  return `Loaded ${page.url()} (HTTP ${status ?? '?'}) — "${await page.title()}".${notes}`;
}

async function act(page: Page, input: Act, context: ToolContext): Promise<string> {
  const options = { timeout: ACTION_TIMEOUT_MS };
  switch (input.kind) {
    case 'click': {
      const target = await locateRef(page, input.ref);
      await (input.double ? target.dblclick(options) : target.click(options));
      return `Clicked ${input.ref}.`;
    }
    case 'type': {
      const target = await locateRef(page, input.ref);
      await target.pressSequentially(input.text, options);
      if (input.submit) await target.press('Enter', options);
      return `Typed into ${input.ref}${input.submit ? ' and pressed Enter' : ''}.`;
    }
    case 'fill':
      await (await locateRef(page, input.ref)).fill(input.text, options);
      return `Filled ${input.ref}.`;
    case 'press':
      if (input.ref) await (await locateRef(page, input.ref)).press(input.key, options);
      else await page.keyboard.press(input.key);
      return `Pressed ${input.key}.`;
    case 'hover':
      await (await locateRef(page, input.ref)).hover(options);
      return `Hovering over ${input.ref}.`;
    case 'select': {
      const chosen = await (await locateRef(page, input.ref)).selectOption(input.values, options);
      return `Selected ${chosen.join(', ')} in ${input.ref}.`;
    }
    case 'wait':
      if (input.text) {
        await page.getByText(input.text).first().waitFor({ state: 'visible', timeout: 30_000 });
        return `"${input.text}" is visible.`;
      }
      await page.waitForTimeout(input.ms ?? 1000);
      return `Waited ${input.ms ?? 1000} ms.`;
    case 'scroll':
      if (input.ref) await (await locateRef(page, input.ref)).scrollIntoViewIfNeeded(options);
      else await page.mouse.wheel(0, input.deltaY);
      return input.ref ? `Scrolled ${input.ref} into view.` : `Scrolled by ${input.deltaY} px.`;
    case 'evaluate': {
      if (!settings(context).evaluateEnabled) {
        throw new ToolError(
          'EVALUATE_DISABLED',
          'Running JavaScript in the page is off (browser.evaluateEnabled is false).',
        );
      }
      const value: unknown = await page.evaluate(input.expression);
      return wrapUntrusted(
        JSON.stringify(value ?? null, null, 2) ?? 'undefined',
        `browser evaluate ${page.url()}`,
      );
    }
  }
}

async function run(request: Request, profile: string, context: ToolContext): Promise<ToolResult> {
  const browsers = manager(context);
  // The actions that do not need a running browser (or must not start one) come first.
  if (request.action === 'status') {
    const held = browsers.current(profile);
    const recorded = browsers.recorded(profile);
    if (!held && !recorded) return { text: `Profile "${profile}": no browser is running.` };
    const { session, origin } = await browsers.use(profile, { start: false });
    return {
      text: [
        originNotes[origin],
        `Profile "${profile}": running (pid ${session.pid}).`,
        await describeTabs(session),
      ]
        .filter(Boolean)
        .join('\n'),
    };
  }
  if (request.action === 'stop') {
    const stopped = await browsers.stop(profile);
    return {
      text: stopped
        ? `Stopped the browser of profile "${profile}".`
        : `Profile "${profile}" had no running browser.`,
    };
  }
  if (request.action === 'dialog') {
    const { session } = await browsers.use(profile, { start: true });
    session.nextDialog = {
      accept: request.accept,
      ...(request.promptText !== undefined ? { promptText: request.promptText } : {}),
    };
    return { text: `The next dialog will be ${request.accept ? 'accepted' : 'dismissed'}.` };
  }
  const { session, origin } = await browsers.use(profile, { start: true });
  const result = await runOnSession(request, session, browsers, context).finally(() =>
    browsers.remember(session),
  );
  const note = originNotes[origin];
  return note ? { ...result, text: `${note}\n${result.text}` } : result;
}

async function runOnSession(
  request: Exclude<Request, { action: 'status' | 'stop' | 'dialog' }>,
  session: BrowserSession,
  browsers: BrowserManager,
  context: ToolContext,
): Promise<ToolResult> {
  switch (request.action) {
    case 'start':
      return { text: `The browser runs (pid ${session.pid}).\n${await describeTabs(session)}` };
    case 'tabs':
      return { text: await describeTabs(session) };
    case 'open': {
      const href = await vetNavigation(request.url, context);
      const page = await session.context.newPage();
      session.activeTab = await tabId(page);
      return { text: `Opened tab ${session.activeTab}. ${await load(page, href, session)}` };
    }
    case 'focus': {
      const page = await browsers.page(session, request.tab);
      await page.bringToFront();
      session.activeTab = request.tab;
      return { text: `Tab ${request.tab} is active: ${page.url()}` };
    }
    case 'close': {
      const page = await browsers.page(session, request.tab);
      const id = await tabId(page);
      await page.close();
      const rest = session.context.pages();
      session.activeTab = rest.length > 0 ? await tabId(rest.at(-1)!) : undefined;
      return { text: `Closed tab ${id}.\n${await describeTabs(session)}` };
    }
    case 'navigate': {
      const href = await vetNavigation(request.url, context);
      const page = await browsers.page(session, request.tab);
      return { text: await load(page, href, session) };
    }
    case 'snapshot': {
      const page = await browsers.page(session, request.tab);
      const snapshot = await snapshotPage(page, request.maxChars);
      const body = [
        `Title: ${snapshot.title}`,
        snapshot.text || '(the page shows nothing readable)',
      ].join('\n');
      const cut = snapshot.truncated
        ? `\n[Snapshot cut at ${request.maxChars} characters; call again with a larger maxChars.]`
        : '';
      return {
        text: `URL: ${snapshot.url}\n${wrapUntrusted(body, `browser ${snapshot.url}`)}${cut}`,
        details: { url: snapshot.url, refs: snapshot.refs, chars: snapshot.text.length },
      };
    }
    case 'act': {
      const page = await browsers.page(session, request.tab);
      const before = page.url();
      let done: string;
      try {
        done = await act(page, request.act, context);
      } catch (error) {
        if (error instanceof ToolError) throw error;
        throw new ToolError(
          'BROWSER_ACTION_FAILED',
          `${request.act.kind} failed: ${(error as Error).message.split('\n')[0]}`,
        );
      }
      // A click that submits a form or follows a link: let the next page arrive before replying.
      await page
        .waitForLoadState('domcontentloaded', { timeout: NAVIGATION_TIMEOUT_MS })
        .catch(() => {});
      const moved = page.url() !== before ? ` Now at ${page.url()} — "${await page.title()}".` : '';
      return { text: `${done}${moved}` };
    }
    case 'screenshot': {
      const page = await browsers.page(session, request.tab);
      const type = request.fullPage ? 'jpeg' : 'png';
      const shot = request.ref
        ? await (
            await locateRef(page, request.ref)
          ).screenshot({ type: 'png', timeout: ACTION_TIMEOUT_MS })
        : await page.screenshot({
            type,
            fullPage: request.fullPage,
            ...(type === 'jpeg' ? { quality: 70 } : {}),
          });
      const mimeType = request.ref ? 'image/png' : `image/${type}`;
      return {
        text: `Screenshot of ${request.ref ? `element ${request.ref} on ` : ''}${page.url()} (${shot.byteLength} bytes).`,
        images: [{ type: 'image', mimeType, data: shot.toString('base64') }],
        details: { url: page.url(), bytes: shot.byteLength },
      };
    }
    case 'pdf': {
      const page = await browsers.page(session, request.tab);
      const path = await resolveWorkspacePath(context.workspaceDir, request.path);
      await mkdir(dirname(path), { recursive: true });
      await page.pdf({ path });
      return { text: `Saved ${page.url()} as ${relative(context.workspaceDir, path)}.` };
    }
    case 'console': {
      const page = await browsers.page(session, request.tab);
      const id = await tabId(page);
      const lines = session.console.get(id) ?? [];
      if (request.clear) session.console.delete(id);
      return {
        text:
          lines.length > 0
            ? wrapUntrusted(lines.join('\n'), `browser console ${page.url()}`)
            : 'No console messages.',
      };
    }
    case 'upload': {
      const page = await browsers.page(session, request.tab);
      const files = await Promise.all(
        request.paths.map((path) => resolveWorkspacePath(context.workspaceDir, path)),
      );
      await (
        await locateRef(page, request.ref)
      ).setInputFiles(files, { timeout: ACTION_TIMEOUT_MS });
      return { text: `Put ${files.length} file(s) into ${request.ref}.` };
    }
  }
}

/** Drive a Chromium: tabs, navigation, snapshots with refs, actions on refs, screenshots. */
export const browserTool = defineTool({
  name: 'browser',
  description:
    'Control a Chromium browser that keeps its tabs, cookies and logins between calls. Typical ' +
    'use: {"request":{"action":"open","url":...}}, then "snapshot" (the page as text where each ' +
    'interactive element has a ref like e12), then "act" with {"kind":"click"|"fill"|"type"|' +
    '"press"|"select"|"hover"|"scroll"|"wait", "ref":"e12", ...}, and "snapshot" again to see ' +
    'the result. "screenshot" returns an image you see. Other actions: status, start, stop, ' +
    'tabs, focus, close, navigate, pdf, console, upload, dialog. Private and local network ' +
    'addresses are refused unless the user allowed them (browser.allowHosts).',
  inputSchema,
  policy: {
    startToCloseTimeoutMs: 120_000,
    // A click may have submitted a form: not run twice automatically.
    maximumAttempts: 1,
    idempotent: false,
    hostBound: true,
  },
  async execute(input, context) {
    const profile = input.profile ?? settings(context).defaultProfile;
    return run(input.request, profile, context);
  },
});
