// The browser tool against real Chromium and a real site on 127.0.0.1 (allow-listed, as a
// user would allow a host of their own network): a form filled and submitted through
// snapshot refs, and the network guard refusing private addresses, also behind a redirect.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTool } from '../activities/tools/browser.js';
import { BrowserManager } from '../activities/tools/browser-manager.js';
import { runTool, type ToolContext, type ToolResult } from '../activities/tools/tool.js';
import { configSchema, type Config } from '../core/config/schema.js';
import { startFakeBrowserSite, type FakeBrowserSite } from './fakes/browser-site.js';

let site: FakeBrowserSite;
let stateDir: string;
let config: Config;
let browsers: BrowserManager;

beforeAll(async () => {
  site = await startFakeBrowserSite();
  stateDir = mkdtempSync(join(tmpdir(), 'clawdbot-browser-'));
  config = configSchema.parse({ browser: { allowHosts: ['127.0.0.1'] } });
  browsers = new BrowserManager({ dir: join(stateDir, 'browser'), config: () => config.browser });
});
afterAll(async () => {
  await browsers?.stop('default');
  await site?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

function call(request: Record<string, unknown>): Promise<ToolResult> {
  const context: ToolContext = {
    workspaceDir: stateDir,
    sessionKey: 'agent:main:browser',
    runId: 'run',
    toolCallId: 'call',
    signal: new AbortController().signal,
    heartbeat: () => {},
    config,
    browsers,
  };
  return runTool(browserTool, { request }, context);
}

/** The ref the snapshot gives the element described as `role "name"`. */
function refOf(snapshot: string, role: string, name: string): string {
  const line = snapshot.split('\n').find((text) => text.includes(`- ${role} "${name}"`));
  const ref = line && /\[ref=(e\d+)\]/.exec(line)?.[1];
  if (!ref) throw new Error(`no ${role} "${name}" in snapshot:\n${snapshot}`);
  return ref;
}

describe('browser tool', () => {
  it('fills and submits a form through the refs of a snapshot', async () => {
    const opened = await call({ action: 'open', url: `${site.url}/form` });
    expect(opened.isError).toBeFalsy();
    expect(opened.text).toContain('Started the browser');
    expect(opened.text).toContain('Join the tide pool club');

    const snapshot = (await call({ action: 'snapshot' })).text;
    expect(snapshot).toContain('- heading "Join the tide pool club"');
    expect(snapshot).toContain('Members get the monthly low-tide calendar.');
    const name = refOf(snapshot, 'textbox', 'Your name');
    const email = refOf(snapshot, 'textbox', 'Email');
    const tier = refOf(snapshot, 'combobox', 'Membership');
    const newsletter = refOf(snapshot, 'checkbox', 'Send me the newsletter');
    const submit = refOf(snapshot, 'button', 'Sign up');

    for (const act of [
      { kind: 'fill', ref: name, text: 'Ada Shore' },
      { kind: 'type', ref: email, text: 'ada@example.org' },
      { kind: 'select', ref: tier, values: ['Family'] },
      { kind: 'click', ref: newsletter },
    ]) {
      const result = await call({ action: 'act', act });
      expect(result.isError, result.text).toBeFalsy();
    }
    // Refs are stable: a second snapshot names the same elements the same way, with values.
    const again = (await call({ action: 'snapshot' })).text;
    expect(refOf(again, 'textbox', 'Your name')).toBe(name);
    expect(again).toContain('value="Ada Shore"');
    expect(again).toMatch(/checkbox "Send me the newsletter" \[ref=e\d+\] checked/);

    const submitted = await call({ action: 'act', act: { kind: 'click', ref: submit } });
    expect(submitted.text).toContain('Now at');
    expect(site.submissions).toEqual([
      { name: 'Ada Shore', email: 'ada@example.org', tier: 'family', newsletter: 'yes' },
    ]);
    const after = (await call({ action: 'snapshot' })).text;
    expect(after).toContain('- heading "Welcome, Ada Shore"');
    expect(after).toContain('Tier: family. Newsletter: yes.');

    const stale = await call({ action: 'act', act: { kind: 'click', ref: name } });
    expect(stale.isError).toBe(true);
    expect(stale.details?.code).toBe('REF_NOT_FOUND');
  });

  it('refuses private, loopback and link-local addresses that are not allowed', async () => {
    const metadata = await call({ action: 'navigate', url: 'http://169.254.169.254/latest/' });
    expect(metadata.isError).toBe(true);
    expect(metadata.details?.code).toBe('URL_BLOCKED');
    expect(metadata.text).toContain('link-local');
    expect(metadata.text).toContain('browser.allowHosts');

    // 127.0.0.2 is loopback too, but only 127.0.0.1 is allowed: a redirect there is refused
    // by the guard proxy Chromium goes through, before any connection is made.
    const port = new URL(site.url).port;
    const before = site.requests.length;
    const redirected = await call({
      action: 'navigate',
      url: `${site.url}/redirect?to=${encodeURIComponent(`http://127.0.0.2:${port}/secret`)}`,
    });
    expect(redirected.isError).toBe(true);
    expect(redirected.details?.code).toBe('URL_BLOCKED');
    expect(redirected.text).toContain('127.0.0.2');
    expect(site.requests.slice(before)).toEqual(['/redirect']);

    // A subresource to a private address is refused and reported; the page itself loads.
    const embeds = await call({
      action: 'navigate',
      url: `${site.url}/embeds?src=${encodeURIComponent('http://10.0.0.1/cam.jpg')}`,
    });
    expect(embeds.isError).toBeFalsy();
    // The list may also name a late request of the page before (its favicon, say).
    expect(embeds.text).toMatch(/refused: (\S+, )*http:\/\/10\.0\.0\.1\/cam\.jpg/);
  });

  it('returns a screenshot as an image', async () => {
    await call({ action: 'navigate', url: `${site.url}/colors` });
    const shot = await call({ action: 'screenshot' });
    expect(shot.isError).toBeFalsy();
    expect(shot.images).toHaveLength(1);
    expect(shot.images![0]!.mimeType).toBe('image/png');
    expect(Buffer.from(shot.images![0]!.data, 'base64').subarray(1, 4).toString()).toBe('PNG');
  });
});
