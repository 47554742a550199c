// A small site on 127.0.0.1 for the browser tool: a sign-up form that posts to a thanks page
// (which echoes what it received), a redirect to any URL, and a page whose image points
// elsewhere. Real HTTP; Chromium loads it through the tool's guard proxy.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenHttpFake, readForm } from './http-fake.js';

/** A running fake site. */
export interface FakeBrowserSite {
  url: string;
  /** Form submissions received, parsed. */
  submissions: Record<string, string>[];
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

const formHtml = `<!doctype html><html><head><title>Join the tide pool club</title></head>
<body><h1>Join the tide pool club</h1>
<p>Members get the monthly low-tide calendar.</p>
<form method="post" action="/join">
  <label for="name">Your name</label> <input id="name" name="name" type="text">
  <label>Email <input name="email" type="email" placeholder="you@example.org"></label>
  <label for="tier">Membership</label>
  <select id="tier" name="tier"><option value="basic">Basic</option><option value="family">Family</option></select>
  <label><input type="checkbox" name="newsletter" value="yes"> Send me the newsletter</label>
  <button type="submit">Sign up</button>
</form>
<a href="/about">About the club</a>
</body></html>`;

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Start the site on a free port of 127.0.0.1. */
export async function startFakeBrowserSite(): Promise<FakeBrowserSite> {
  const submissions: Record<string, string>[] = [];
  const requests: string[] = [];
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://site.test');
    requests.push(url.pathname);
    const html = (body: string) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(body);
    };
    if (url.pathname === '/form') return html(formHtml);
    if (url.pathname === '/join' && request.method === 'POST') {
      const fields = Object.fromEntries(await readForm(request));
      submissions.push(fields);
      return html(
        `<!doctype html><title>Welcome</title><h1>Welcome, ${escape(fields.name ?? '')}</h1>` +
          `<p>Tier: ${escape(fields.tier ?? '')}. Newsletter: ${fields.newsletter ? 'yes' : 'no'}.</p>`,
      );
    }
    if (url.pathname === '/redirect') {
      response.writeHead(302, { location: url.searchParams.get('to') ?? '/' });
      return response.end();
    }
    if (url.pathname === '/embeds') {
      const src = url.searchParams.get('src') ?? '';
      return html(
        `<!doctype html><title>Embeds</title><h1>Embeds</h1><img alt="x" src="${escape(src)}">`,
      );
    }
    if (url.pathname === '/colors') {
      return html(
        '<!doctype html><title>Colors</title><body style="margin:0">' +
          '<div style="width:100vw;height:100vh;background:#2a7"><h1>Green page</h1></div></body>',
      );
    }
    html(
      `<!doctype html><title>Page ${escape(url.pathname)}</title><h1>${escape(url.pathname)}</h1>`,
    );
  };
  const http = await listenHttpFake(handle);
  return { url: http.url, submissions, requests, close: http.close };
}
