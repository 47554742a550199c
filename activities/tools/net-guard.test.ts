// Host names here are resolved by stand-in resolvers: no DNS query leaves the machine, and
// every connection goes to 127.0.0.1.
import type { LookupAddress } from 'node:dns';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWebSite, type FakeWebSite } from '../../test/fakes/web-site.js';
import { guardedFetch } from './guarded-fetch.js';
import { pinnedAgent, vetUrl, type Resolver } from './net-guard.js';
import { ToolError } from './tool.js';

let site: FakeWebSite;
beforeAll(async () => {
  site = await startFakeWebSite();
});
afterAll(() => site.close());

const answers =
  (table: Record<string, string[]>): Resolver =>
  (hostname) => {
    const addresses = table[hostname];
    if (!addresses)
      return Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
    return Promise.resolve(
      addresses.map((address): LookupAddress => ({
        address,
        family: address.includes(':') ? 6 : 4,
      })),
    );
  };

async function refusal(promise: Promise<unknown>): Promise<ToolError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ToolError);
  return error as ToolError;
}

describe('vetUrl', () => {
  const resolve = answers({
    'mixed.test': ['93.184.216.34', '10.1.2.3'],
    'public.test': ['93.184.216.34', '2606:2800:220:1::1'],
    'mapped.test': ['::ffff:169.254.169.254'],
    'nas.test': ['192.168.1.20'],
  });

  it('refuses a host if any of its addresses is private, naming that address', async () => {
    const error = await refusal(vetUrl(new URL('http://mixed.test/'), { allowHosts: [], resolve }));
    expect(error.code).toBe('URL_BLOCKED');
    expect(error.message).toContain(
      '10.1.2.3 (mixed.test resolves to 10.1.2.3) is a private network address (10.0.0.0/8)',
    );
  });

  it('refuses a resolved IPv4-mapped IPv6 address', async () => {
    const error = await refusal(
      vetUrl(new URL('http://mapped.test/'), { allowHosts: [], resolve }),
    );
    expect(error.details).toMatchObject({ address: '::ffff:169.254.169.254' });
  });

  it('passes public hosts with every address', async () => {
    const target = await vetUrl(new URL('https://public.test/x'), { allowHosts: [], resolve });
    expect(target.addresses.map((entry) => entry.address)).toEqual([
      '93.184.216.34',
      '2606:2800:220:1::1',
    ]);
  });

  it('lets allowHosts name a host or an address, in any spelling', async () => {
    await expect(
      vetUrl(new URL('http://nas.test/'), { allowHosts: ['NAS.test'], resolve }),
    ).resolves.toBeDefined();
    await expect(
      vetUrl(new URL('http://nas.test/'), { allowHosts: ['192.168.1.20'], resolve }),
    ).resolves.toBeDefined();
    await expect(
      vetUrl(new URL('http://[::1]/'), { allowHosts: ['0:0:0:0:0:0:0:1'], resolve }),
    ).resolves.toBeDefined();
    const error = await refusal(
      vetUrl(new URL('http://nas.test/'), { allowHosts: ['192.168.1.21'], resolve }),
    );
    expect(error.code).toBe('URL_BLOCKED');
  });

  it('reports a name that does not resolve', async () => {
    const error = await refusal(
      vetUrl(new URL('http://nowhere.test/'), { allowHosts: [], resolve }),
    );
    expect(error.code).toBe('DNS_FAILED');
    expect(error.message).toContain('nowhere.test does not resolve (ENOTFOUND)');
  });
});

describe('pinned connections', () => {
  const port = () => new URL(site.url).port;

  it('connects to the vetted address without asking DNS again (no rebinding window)', async () => {
    let lookups = 0;
    // A rebinding DNS server: the second answer would point somewhere else.
    const rebinding: Resolver = () => {
      lookups += 1;
      return Promise.resolve([{ address: lookups === 1 ? '127.0.0.1' : '10.0.0.1', family: 4 }]);
    };
    const response = await guardedFetch(`http://rebind.test:${port()}/plain`, {
      allowHosts: ['127.0.0.1'],
      maxBytes: 1024,
      timeoutMs: 5000,
      signal: new AbortController().signal,
      accepts: () => true,
      resolve: rebinding,
    });
    expect(Buffer.from(response.body).toString()).toBe('just some plain text\n');
    expect(lookups).toBe(1);
  });

  it('vets every hop of a redirect with the resolver', async () => {
    const resolve = answers({ 'site.test': ['127.0.0.1'], 'internal.test': ['10.9.9.9'] });
    const target = encodeURIComponent('http://internal.test/secret');
    const error = await refusal(
      guardedFetch(`http://site.test:${port()}/redirect?to=${target}`, {
        allowHosts: ['127.0.0.1'],
        maxBytes: 1024,
        timeoutMs: 5000,
        signal: new AbortController().signal,
        accepts: () => true,
        resolve,
      }),
    );
    expect(error.message).toContain('internal.test resolves to 10.9.9.9');
  });

  it('refuses to connect a pinned agent to any other host', async () => {
    const agent = await pinnedAgent({
      url: new URL(site.url),
      hostname: 'one.test',
      addresses: [{ address: '127.0.0.1', family: 4 }],
    });
    try {
      await expect(
        fetch(`http://other.test:${port()}/plain`, { dispatcher: agent }),
      ).rejects.toThrow(/fetch failed/);
      const response = await fetch(`http://one.test:${port()}/plain`, { dispatcher: agent });
      expect(await response.text()).toBe('just some plain text\n');
    } finally {
      await agent.destroy();
    }
  });
});
