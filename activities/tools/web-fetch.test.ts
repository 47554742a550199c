// Every request in this file goes to 127.0.0.1 or is refused before connecting: the private
// addresses below are literals, refused without DNS and without a connection attempt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../core/config/schema.js';
import { articlePage, startFakeWebSite, type FakeWebSite } from '../../test/fakes/web-site.js';
import { runTool, type ToolContext, type ToolResult } from './tool.js';
import { webFetchTool } from './web-fetch.js';

let site: FakeWebSite;
beforeAll(async () => {
  site = await startFakeWebSite();
});
afterAll(() => site.close());

type FetchSettings = NonNullable<NonNullable<NonNullable<ConfigInput['tools']>['web']>['fetch']>;

function context(fetch: FetchSettings = { allowHosts: ['127.0.0.1'] }): ToolContext {
  return {
    workspaceDir: '/nonexistent',
    sessionKey: 'test',
    runId: 'run-1',
    toolCallId: 'call-1',
    signal: new AbortController().signal,
    heartbeat: () => {},
    config: configSchema.parse({ tools: { web: { fetch } } }),
  };
}

const fetchPage = (args: Record<string, unknown>, settings?: FetchSettings): Promise<ToolResult> =>
  runTool(webFetchTool, args, context(settings));

describe('web_fetch content', () => {
  it('turns an HTML article into markdown without navigation, scripts or footer', async () => {
    const result = await fetchPage({ url: `${site.url}${articlePage.path}` });
    expect(result.isError).toBeUndefined();
    expect(result.text).toContain(`URL: ${site.url}${articlePage.path}`);
    expect(result.text).toContain(`Title: ${articlePage.title}`);
    expect(result.text).toMatch(/^## Life between the tides$/m);
    expect(result.text).toContain(`[field guide](${site.url}/guide/field)`);
    expect(result.text).toMatch(/^-\s+Low tide$/m);
    for (const kept of articlePage.kept) expect(result.text).toContain(kept);
    for (const dropped of articlePage.dropped) expect(result.text).not.toContain(dropped);
    expect(result.text).not.toContain('About');
  });

  it('renders plain text on request: no markdown syntax', async () => {
    const result = await fetchPage({ url: `${site.url}${articlePage.path}`, format: 'text' });
    expect(result.text).toMatch(/^Life between the tides$/m);
    expect(result.text).toContain('See the field guide for species lists.');
    expect(result.text).not.toContain('](');
    expect(result.text).not.toContain('##');
  });

  it('returns text as is, JSON pretty-printed, and decodes a declared charset', async () => {
    expect((await fetchPage({ url: `${site.url}/plain` })).text).toMatch(
      /just some plain text\n<\/untrusted-content>$/,
    );
    expect((await fetchPage({ url: `${site.url}/data.json` })).text).toContain(
      '{\n  "a": 1,\n  "b": [\n    true,\n    null\n  ]\n}',
    );
    const latin1 = await fetchPage({ url: `${site.url}/latin1` });
    expect(latin1.text).toContain('Crème brûlée');
    expect(latin1.text).toContain('Title: Café');
  });

  it('refuses content that is not text', async () => {
    const result = await fetchPage({ url: `${site.url}/image.png` });
    expect(result).toMatchObject({ isError: true, details: { code: 'UNSUPPORTED_CONTENT_TYPE' } });
    expect(result.text).toContain('image/png');
  });

  it('cuts the output at maxChars and says so', async () => {
    const result = await fetchPage({ url: `${site.url}${articlePage.path}`, maxChars: 200 });
    expect(result.text).toMatch(/\[Content truncated: showing 200 of \d+ characters/);
    expect(result.details).toMatchObject({ truncatedChars: true });
  });

  it('follows a redirect within allowed hosts and names both URLs', async () => {
    const result = await fetchPage({ url: `${site.url}/redirect?to=${articlePage.path}` });
    expect(result.text).toContain(`URL: ${site.url}${articlePage.path}`);
    expect(result.text).toContain(`(redirected from ${site.url}/redirect?to=${articlePage.path})`);
    expect(result.details).toMatchObject({
      redirects: [`${site.url}/redirect?to=${articlePage.path}`],
    });
  });
});

describe('web_fetch limits', () => {
  it('stops reading past maxBytes and says so', async () => {
    const result = await fetchPage(
      { url: `${site.url}/endless`, maxChars: 1000 },
      {
        allowHosts: ['127.0.0.1'],
        maxBytes: 64 * 1024,
      },
    );
    expect(result.isError).toBeUndefined();
    expect(result.text).toContain(
      '[The response is larger than 64 KiB; only its first 64 KiB were read.]',
    );
    expect(result.details).toMatchObject({ bytes: 64 * 1024, truncatedBytes: true });
  });

  it.each(['/hang', '/stall-body'])('times out on %s', async (path) => {
    const started = Date.now();
    const result = await fetchPage(
      { url: `${site.url}${path}` },
      { allowHosts: ['127.0.0.1'], timeoutMs: 300 },
    );
    expect(result).toMatchObject({ isError: true, details: { code: 'FETCH_TIMEOUT' } });
    expect(result.text).toContain('did not arrive within 0.3 s');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports a 404 to the model, and throws on a 503 so the activity retries', async () => {
    const notFound = await fetchPage({ url: `${site.url}/status?code=404` });
    expect(notFound).toMatchObject({
      isError: true,
      details: { code: 'FETCH_FAILED', status: 404 },
    });
    expect(notFound.text).toContain('HTTP 404 Not Found');
    await expect(fetchPage({ url: `${site.url}/status?code=503` })).rejects.toThrow(/HTTP 503/);
  });

  it('gives up after 5 redirects', async () => {
    let url = `${site.url}/plain`;
    for (let i = 0; i < 6; i++) url = `${site.url}/redirect?to=${encodeURIComponent(url)}`;
    const result = await fetchPage({ url });
    expect(result).toMatchObject({ isError: true, details: { code: 'TOO_MANY_REDIRECTS' } });
  });
});

describe('web_fetch SSRF guard', () => {
  /** Fetch a URL that must be refused; `hops` is how many connections the site may see. */
  const blocked = async (url: string, settings?: FetchSettings, hops = 0) => {
    const before = site.connections;
    const result = await fetchPage({ url }, settings);
    expect(result).toMatchObject({ isError: true, details: { code: 'URL_BLOCKED' } });
    expect(site.connections).toBe(before + hops);
    return result.text;
  };

  it.each([
    ['http://10.0.0.1/', '10.0.0.0/8'],
    ['http://192.168.1.1/admin', '192.168.0.0/16'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.0.0/16'],
    ['http://[::1]/', '::1/128'],
    ['http://[::ffff:10.0.0.1]/', '10.0.0.0/8'],
    ['http://[fd00::1]/', 'fc00::/7'],
    ['http://100.64.1.1/', '100.64.0.0/10'],
    ['http://0.0.0.0/', '0.0.0.0/8'],
  ])('refuses %s before connecting', async (url, range) => {
    const text = await blocked(url);
    expect(text).toContain(range);
    expect(text).toContain('tools.web.fetch.allowHosts');
  });

  it('refuses the loopback server itself when it is not allowed, in any spelling', async () => {
    const port = new URL(site.url).port;
    for (const host of [
      '127.0.0.1',
      '2130706433',
      '0x7f.0.0.1',
      '0177.0.0.1',
      '127.1',
      '[::ffff:7f00:1]',
    ]) {
      expect(await blocked(`http://${host}:${port}/plain`, { allowHosts: [] })).toMatch(/loopback/);
    }
  });

  it('refuses a name that resolves to loopback (checked after DNS)', async () => {
    const port = new URL(site.url).port;
    const text = await blocked(`http://localhost:${port}/plain`, { allowHosts: [] });
    expect(text).toMatch(/localhost resolves to (127\.0\.0\.1|::1)/);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/iam/', '169.254.169.254'],
    ['http://10.0.0.1/', '10.0.0.1'],
  ])('refuses a redirect from the allowed server to %s', async (target, address) => {
    const requests = site.requests.length;
    const text = await blocked(
      `${site.url}/redirect?to=${encodeURIComponent(target)}`,
      undefined,
      1,
    );
    expect(text).toContain(`${address} is a`);
    expect(text).toContain(`reached by a redirect from ${site.url}/redirect`);
    // Only the redirecting page was requested; the target was refused before connecting.
    expect(site.requests.slice(requests)).toEqual([`/redirect?to=${encodeURIComponent(target)}`]);
  });

  it.each(['file:///etc/passwd', 'ftp://127.0.0.1/', 'data:text/plain,hi', 'javascript:alert(1)'])(
    'refuses the non-http URL %s',
    async (url) => {
      const result = await fetchPage({ url });
      expect(result).toMatchObject({ isError: true, details: { code: 'INVALID_URL' } });
      expect(result.text).toContain('Only http and https URLs can be fetched');
    },
  );

  it('refuses a redirect to a non-http scheme, and credentials in a URL', async () => {
    const redirect = await fetchPage({ url: `${site.url}/redirect?to=file:///etc/passwd` });
    expect(redirect).toMatchObject({ isError: true, details: { code: 'INVALID_URL' } });
    expect(redirect.text).toContain('(redirect from');
    const credentials = await fetchPage({
      url: `http://user:secret@127.0.0.1:${new URL(site.url).port}/`,
    });
    expect(credentials).toMatchObject({ isError: true, details: { code: 'INVALID_URL' } });
    expect(credentials.text).not.toContain('secret');
  });
});
