/**
 * The Bot Framework's signing keys: the OpenID metadata document names `jwks_uri` and the
 * allowed algorithms; the key set's entries carry `endorsements` (the channels each key may
 * vouch for), which a plain JWKS client would drop, so the set is fetched here. Keys are
 * kept a day (Microsoft rolls them with notice) and fetched again, at most once a minute,
 * when a token names an unknown key id.
 */
import type { JWK } from 'jose';

/** A published key as far as it is used: a JWK plus its endorsements. */
export interface BotFrameworkKey extends JWK {
  kid?: string;
  endorsements?: string[];
}

const KEEP_MS = 24 * 60 * 60 * 1000;
const REFETCH_UNKNOWN_AFTER_MS = 60_000;

/** The keys and algorithms of one metadata URL. */
export class OpenIdKeys {
  private current: { keys: BotFrameworkKey[]; algorithms: string[]; at: number } | undefined;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly metadataUrl: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The algorithms the metadata allows (RS256 when it names none). */
  async algorithms(): Promise<string[]> {
    await this.ensure(false);
    return this.current!.algorithms;
  }

  /** The key with this id, fetching the set again when it is unknown (rate-limited). */
  async key(kid: string | undefined): Promise<BotFrameworkKey | undefined> {
    await this.ensure(false);
    let found = this.current!.keys.find((key) => key.kid === kid);
    if (!found && this.now() - this.current!.at > REFETCH_UNKNOWN_AFTER_MS) {
      await this.ensure(true);
      found = this.current!.keys.find((key) => key.kid === kid);
    }
    return found;
  }

  private async ensure(force: boolean): Promise<void> {
    if (!force && this.current && this.now() - this.current.at < KEEP_MS) return;
    this.pending ??= this.fetchKeys().finally(() => (this.pending = undefined));
    await this.pending;
  }

  private async fetchKeys(): Promise<void> {
    const metadata = await getJson<{
      jwks_uri?: string;
      id_token_signing_alg_values_supported?: string[];
    }>(this.metadataUrl);
    if (!metadata.jwks_uri) throw new Error(`${this.metadataUrl} names no jwks_uri`);
    const set = await getJson<{ keys?: BotFrameworkKey[] }>(metadata.jwks_uri);
    this.current = {
      keys: set.keys ?? [],
      algorithms: metadata.id_token_signing_alg_values_supported ?? ['RS256'],
      at: this.now(),
    };
  }
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}
