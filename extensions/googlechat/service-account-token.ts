/**
 * Access tokens for the Chat API from a service account key: the OAuth 2.0 JWT bearer grant
 * (RFC 7523) with an RS256 assertion signed by the key, scope `chat.bot`. Signed here with
 * node:crypto because google-auth-library's JWT client always posts to Google's own token
 * URL, and the token endpoint must be configurable (a proxy, a test's own endpoint).
 */
import { createSign } from 'node:crypto';
import type { ServiceAccountKey } from './config.js';

/** The scope a Chat app acts with. */
export const CHAT_BOT_SCOPE = 'https://www.googleapis.com/auth/chat.bot';

/** Renew this long before the token expires, so a request never carries a dying token. */
const RENEW_BEFORE_MS = 60_000;

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Tokens of one service account, cached until shortly before they expire. */
export class ServiceAccountTokens {
  private current: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly key: ServiceAccountKey,
    private readonly tokenUrl: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The service account's address (the app's identity). */
  get email(): string {
    return this.key.client_email;
  }

  /** A valid access token (fetching a new one when needed; concurrent callers share it). */
  async token(): Promise<string> {
    if (this.current && this.now() < this.current.expiresAt - RENEW_BEFORE_MS) {
      return this.current.token;
    }
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Forget the cached token (the API refused it). */
  invalidate(): void {
    this.current = undefined;
  }

  private assertion(): string {
    const issuedAt = Math.floor(this.now() / 1000);
    const header = {
      alg: 'RS256',
      typ: 'JWT',
      ...(this.key.private_key_id ? { kid: this.key.private_key_id } : {}),
    };
    const claims = {
      iss: this.key.client_email,
      scope: CHAT_BOT_SCOPE,
      aud: this.tokenUrl,
      iat: issuedAt,
      exp: issuedAt + 3600,
    };
    const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(unsigned).sign(this.key.private_key);
    return `${unsigned}.${base64url(signature)}`;
  }

  private async fetchToken(): Promise<string> {
    const response = await fetch(this.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: this.assertion(),
      }),
    });
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
      error_description?: string;
    };
    if (!response.ok || !body.access_token) {
      const reason = body.error_description ?? body.error ?? `HTTP ${response.status}`;
      throw new Error(`service account token refused by ${this.tokenUrl}: ${reason}`);
    }
    this.current = {
      token: body.access_token,
      expiresAt: this.now() + (body.expires_in ?? 3600) * 1000,
    };
    return body.access_token;
  }
}
