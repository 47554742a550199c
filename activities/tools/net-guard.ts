// The SSRF guard of web_fetch. A URL is vetted on the addresses its host resolves to (not on
// its spelling), every address must be public, and the connection is then pinned to exactly
// those addresses, so a DNS answer that changes between the check and the connect (DNS
// rebinding) cannot steer the request into the private network.
import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import type { Agent } from 'undici';
import { addressKey, classifyAddress } from './ip-ranges.js';
import { ToolError } from './tool.js';

/** Resolves a host name to every address it has (dns.lookup with all: true by default). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

/** A URL whose host has been resolved and found reachable. */
export interface VettedTarget {
  url: URL;
  /** The host name as the connection sees it (no IPv6 brackets). */
  hostname: string;
  addresses: LookupAddress[];
}

/** What vetting needs: the allow-list from config and, in tests, a stand-in resolver. */
export interface GuardOptions {
  allowHosts: readonly string[];
  resolve?: Resolver;
  signal?: AbortSignal;
  /** The URL that redirected here, named in the refusal. */
  redirectedFrom?: string;
}

const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** Parse a URL web_fetch may request: http or https, no credentials. */
export function parseFetchUrl(raw: string, redirectedFrom?: string): URL {
  const from = redirectedFrom ? ` (redirect from ${redirectedFrom})` : '';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ToolError('INVALID_URL', `"${raw}" is not a valid absolute URL${from}.`, {
      url: raw,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ToolError(
      'INVALID_URL',
      `Only http and https URLs can be fetched, not ${url.protocol}${from}.`,
      { url: raw },
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new ToolError('INVALID_URL', `URLs with a user name or password are refused${from}.`, {
      url: url.origin,
    });
  }
  return url;
}

function hostKey(host: string): string {
  return addressKey(host) ?? host.toLowerCase().replace(/\.$/, '');
}

async function resolveAll(hostname: string, resolve: Resolver, signal?: AbortSignal) {
  if (isIP(hostname) !== 0) return [{ address: hostname, family: isIP(hostname) }];
  signal?.throwIfAborted();
  try {
    // dns.lookup cannot be cancelled; racing it with the signal at least stops waiting.
    return await Promise.race([resolve(hostname), aborted(signal)]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (signal?.aborted || code === 'EAI_AGAIN') throw error; // cancelled, or retry-worthy
    throw new ToolError(
      'DNS_FAILED',
      `The host ${hostname} does not resolve (${code ?? (error as Error).message}).`,
      {
        host: hostname,
      },
    );
  }
}

function aborted(signal?: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}

/**
 * Resolve the URL's host and refuse it if ANY address is not public, unless the host name or
 * that address is in `allowHosts`. IP literals are judged as they are, without DNS.
 */
export async function vetUrl(url: URL, options: GuardOptions): Promise<VettedTarget> {
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const allowed = new Set(options.allowHosts.map(hostKey));
  const addresses = await resolveAll(hostname, options.resolve ?? systemResolver, options.signal);
  if (addresses.length === 0) {
    throw new ToolError('DNS_FAILED', `The host ${hostname} has no addresses.`, { host: hostname });
  }
  if (allowed.has(hostKey(hostname))) return { url, hostname, addresses };
  for (const { address } of addresses) {
    const blocked = allowed.has(hostKey(address)) ? undefined : classifyAddress(address);
    if (!blocked) continue;
    const via = address === hostname ? '' : ` (${hostname} resolves to ${address})`;
    const from = options.redirectedFrom
      ? `, reached by a redirect from ${options.redirectedFrom}`
      : '';
    throw new ToolError(
      'URL_BLOCKED',
      `Refused to fetch ${url.href}: ${address}${via} is a ${blocked.reason} address ` +
        `(${blocked.range})${from}. Only public internet addresses can be fetched; the user ` +
        'can allow a host in tools.web.fetch.allowHosts.',
      { url: url.href, address, range: blocked.range, reason: blocked.reason },
    );
  }
  return { url, hostname, addresses };
}

/**
 * An undici Agent that can connect to the vetted addresses of the vetted host only: its
 * lookup answers from the vetting result instead of asking DNS a second time. undici is
 * loaded here, at the first fetch, not at start-up (~3 MB of heap a gateway may never use).
 */
export async function pinnedAgent(target: VettedTarget): Promise<Agent> {
  const { Agent } = await import('undici');
  const pinned: LookupFunction = (hostname, options, callback) => {
    if (hostname !== target.hostname) {
      callback(new Error(`connection to unvetted host ${hostname} refused`), '', 0);
    } else if (options.all) {
      callback(null, target.addresses);
    } else {
      const first = target.addresses[0]!;
      callback(null, first.address, first.family);
    }
  };
  return new Agent({ connect: { lookup: pinned } });
}
