// A small web site on 127.0.0.1 for web_fetch: an article page with navigation and scripts
// around it, redirects to anywhere, endless and stalled bodies, and any status code.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The article page: what web_fetch must keep, and the noise it must drop. */
export const articlePage = {
  path: '/article',
  title: 'Tide Pools of the North Coast',
  kept: ['Life between the tides', 'Anemones hold on', '[field guide](', 'ochre sea star'],
  dropped: ['Home</a>', 'Subscribe to our newsletter', 'trackVisitor', 'Copyright 2026'],
};

const paragraph = (topic: string) =>
  `<p>The ${topic} is one of the most studied creatures of the rocky shore. Researchers ` +
  'return every season to count them, measure them and record how the water has changed ' +
  'around them. Their numbers tell a story about temperature, storms and time.</p>';

const articleHtml = `<!doctype html><html><head><title>${articlePage.title}</title>
<script>function trackVisitor() { return 1; }</script><style>body { color: red }</style></head>
<body><nav class="menu"><a href="/">Home</a> <a href="/about">About</a> <a href="/shop">Shop</a></nav>
<header><div class="banner">Subscribe to our newsletter</div></header>
<main><article><h1>${articlePage.title}</h1>
<h2>Life between the tides</h2>${paragraph('ochre sea star')}${paragraph('purple urchin')}
<h2>Anemones hold on</h2>${paragraph('giant green anemone')}
<p>See the <a href="/guide/field">field guide</a> for <em>species</em> lists.</p>
<ul><li>Low tide</li><li>High tide</li></ul>
<script>trackVisitor();</script></article></main>
<footer class="footer">Copyright 2026 Coast Society</footer></body></html>`;

/** A running fake site; `connections` counts TCP connections it accepted. */
export interface FakeWebSite {
  url: string;
  connections: number;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

type Route = (request: IncomingMessage, response: ServerResponse, url: URL) => void;

const routes: Record<string, Route> = {
  [articlePage.path]: (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articleHtml);
  },
  '/plain': (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('just some plain text\n');
  },
  '/data.json': (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1,"b":[true,null]}');
  },
  '/image.png': (_request, response) => {
    response.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from([0x89, 0x50, 0x4e]));
  },
  '/latin1': (_request, response) => {
    const html =
      '<html><head><title>Caf\xe9</title></head><body><p>Cr\xe8me br\xfbl\xe9e</p></body></html>';
    response.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' });
    response.end(Buffer.from(html, 'latin1'));
  },
  // Writes until the client goes away: a reader without a byte cap never finishes.
  '/endless': (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = 'x'.repeat(16 * 1024) + '\n';
    const write = () => {
      while (!response.destroyed && response.write(chunk));
      if (!response.destroyed) response.once('drain', write);
    };
    write();
  },
  '/hang': () => {},
  '/stall-body': (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.write('the beginning, and then nothing');
  },
  // /status?code=404
  '/status': (_request, response, url) => {
    response.writeHead(Number(url.searchParams.get('code') ?? 500)).end('status page');
  },
  // /redirect?to=<url>[&status=301]
  '/redirect': (_request, response, url) => {
    const status = Number(url.searchParams.get('status') ?? 302);
    response.writeHead(status, { location: url.searchParams.get('to') ?? '/' }).end();
  },
};

/** Start the site on a free port of 127.0.0.1. */
export async function startFakeWebSite(): Promise<FakeWebSite> {
  const site = { connections: 0, requests: [] as string[] };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    site.requests.push(url.pathname + url.search);
    const route = routes[url.pathname];
    if (route) route(request, response, url);
    else response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  server.on('connection', () => (site.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(site, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
