// The Control UI's files over a real socket: what a browser gets before and after the build.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { controlUiRoutes } from './control-ui.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function serve(distDir: string): Promise<string> {
  const app = Fastify();
  await app.register(controlUiRoutes(distDir));
  await app.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => app.close());
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

describe('Control UI routes', () => {
  it('says how to build when web/dist is missing, then serves the build once it exists', async () => {
    const distDir = mkdtempSync(join(tmpdir(), 'control-ui-dist-'));
    cleanups.push(() => rmSync(distDir, { recursive: true, force: true }));
    const url = await serve(distDir);

    const missing = await fetch(`${url}/`);
    expect(missing.status).toBe(503);
    expect(await missing.text()).toContain('node scripts/build-web.mjs');

    writeFileSync(join(distDir, 'index.html'), '<!doctype html><cb-app></cb-app>');
    writeFileSync(join(distDir, 'app.js'), 'export {};');
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    // No inline scripts, same-origin WebSocket only, no framing by other sites.
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await page.text()).toContain('<cb-app>');
    const script = await fetch(`${url}/app.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
  });
});
