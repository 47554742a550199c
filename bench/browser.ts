// bench/browser: the browser tool's first-call start time (launch Chromium, connect over CDP,
// load a page) against the same call on a running browser, and the size of a snapshot of a
// realistic page (a news article with navigation, sidebar, comments form and footer) in
// characters and estimated tokens, next to the page's HTML.
// Run: npm run bench:browser [-- runs]
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserTool } from '../activities/tools/browser.js';
import { BrowserManager } from '../activities/tools/browser-manager.js';
import { runTool, type ToolContext } from '../activities/tools/tool.js';
import { configSchema } from '../core/config/schema.js';
import { TokenEstimator } from '../core/context/token-estimate.js';

const runs = Number(process.argv[2] ?? 3);

function typicalPage(): string {
  const links = (prefix: string, count: number) =>
    Array.from(
      { length: count },
      (_, index) => `<li><a href="/${prefix}/${index}">${prefix} section ${index + 1}</a></li>`,
    ).join('');
  const paragraph = (index: number) =>
    `<p>Paragraph ${index + 1}: the council met on Tuesday to discuss the harbour plan, which ` +
    'would widen the breakwater, add forty moorings and move the ferry terminal closer to ' +
    'the old town. Residents raised concerns about traffic, noise during construction and ' +
    'the cost, which the plan estimates at twelve million over four years.</p>';
  return `<!doctype html><html lang="en"><head><title>Harbour plan approved after long debate</title>
<style>body{font-family:sans-serif} nav li{display:inline;margin:4px}</style>
<script>window.analytics = { track() {} };</script></head><body>
<header><a href="/">The Coast Gazette</a><form role="search" action="/search"><input name="q" placeholder="Search"><button>Go</button></form>
<nav><ul>${links('news', 14)}</ul></nav></header>
<main><article><h1>Harbour plan approved after long debate</h1>
<p><time>5 December 2026</time> · By <a href="/authors/ana">Ana Ribeiro</a></p>
<figure><img src="/img/harbour.jpg" alt="The harbour at dawn"><figcaption>The harbour at dawn.</figcaption></figure>
${Array.from({ length: 12 }, (_, index) => paragraph(index)).join('\n')}
<h2>What happens next</h2><ul><li>Public consultation until March</li><li>Tender in the summer</li><li>Works from 2027</li></ul>
<section><h2>Comments</h2><form action="/comments" method="post">
<label>Name <input name="name"></label><label>Comment <textarea name="comment"></textarea></label>
<label><input type="checkbox" name="notify"> Notify me of replies</label><button type="submit">Post comment</button></form></section>
</article>
<aside><h2>Most read</h2><ol>${links('popular', 8)}</ol><h2>Newsletter</h2>
<form><input type="email" placeholder="Your email"><button>Subscribe</button></form></aside></main>
<footer><ul>${links('footer', 16)}</ul><p>© 2026 The Coast Gazette</p></footer></body></html>`;
}

const html = typicalPage();
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  response.end(html);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/article`;
const config = configSchema.parse({ browser: { allowHosts: ['127.0.0.1'] } });

const firstCall: number[] = [];
const warmCall: number[] = [];
let snapshotText = '';
for (let run = 0; run < runs; run++) {
  const stateDir = mkdtempSync(join(tmpdir(), 'clawdbot-bench-browser-'));
  const browsers = new BrowserManager({
    dir: join(stateDir, 'browser'),
    config: () => config.browser,
  });
  const context: ToolContext = {
    workspaceDir: stateDir,
    sessionKey: 'bench',
    runId: 'bench',
    toolCallId: 'bench',
    signal: new AbortController().signal,
    heartbeat: () => {},
    config,
    browsers,
  };
  const call = async (request: Record<string, unknown>) => {
    const result = await runTool(browserTool, { request }, context);
    if (result.isError) throw new Error(result.text);
    return result;
  };
  let started = performance.now();
  await call({ action: 'navigate', url });
  firstCall.push(performance.now() - started);
  started = performance.now();
  await call({ action: 'navigate', url });
  warmCall.push(performance.now() - started);
  snapshotText = (await call({ action: 'snapshot', maxChars: 100_000 })).text;
  await browsers.stop('default');
  rmSync(stateDir, { recursive: true, force: true });
}
server.close();

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const tokens = (text: string) => new TokenEstimator().count('bench', text);
console.log(`browser: ${runs} run(s), median`);
console.log(`  first call (start Chromium + load page): ${median(firstCall).toFixed(0)} ms`);
console.log(`  same call, browser running:             ${median(warmCall).toFixed(0)} ms`);
console.log(
  `  snapshot of a typical article page: ${snapshotText.length} chars ≈ ${tokens(snapshotText)} tokens ` +
    `(page HTML: ${html.length} chars ≈ ${tokens(html)} tokens)`,
);
