/**
 * The bot's app token for the Bot Connector: OAuth 2.0 client credentials (App ID and a
 * client secret) at Entra ID's token endpoint with scope https://api.botframework.com/.default,
 * kept until shortly before it expires; concurrent callers share one request.
 */
import { BOT_FRAMEWORK_SCOPE } from './config.js';

/** Renew this long before expiry, so a request never carries a dying token. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** Tokens of one bot. */
export class AppTokens {
  private current: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly options: { tokenUrl: string; appId: string; appPassword: string },
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid access token (a new one when the cached one is about to expire). */
  async token(): Promise<string> {
    if (this.current && this.now() < this.current.expiresAt - RENEW_BEFORE_MS) {
      return this.current.token;
    }
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Forget the cached token (the connector refused it). */
  invalidate(): void {
    this.current = undefined;
  }

  private async fetchToken(): Promise<string> {
    const response = await fetch(this.options.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.options.appId,
        client_secret: this.options.appPassword,
        scope: BOT_FRAMEWORK_SCOPE,
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
      throw new Error(`app token refused by ${this.options.tokenUrl}: ${reason}`);
    }
    this.current = {
      token: body.access_token,
      expiresAt: this.now() + (body.expires_in ?? 3600) * 1000,
    };
    return body.access_token;
  }
}
