/**
 * Checks that a webhook request comes from Google Chat: its `Authorization: Bearer` token is
 * a JWT signed by one of the published keys, for our audience, not expired. With the
 * audience "HTTP endpoint URL" Chat sends a Google ID token (issuer accounts.google.com,
 * email chat@system.gserviceaccount.com); with "Project number" a JWT issued by
 * chat@system.gserviceaccount.com itself. google-auth-library does the signature, expiry
 * (with its clock skew allowance), audience and issuer checks; it also fetches and caches
 * the keys per their Cache-Control.
 */
import { OAuth2Client } from 'google-auth-library';
import { CHAT_ISSUER, DEFAULT_CERTS_URL } from './config.js';

/** How requests are verified. */
export interface ChatRequestVerifierOptions {
  audienceType: 'app-url' | 'project-number';
  audience: string;
  certsUrl?: string;
}

/** Verifies bearer tokens of one account. */
export type ChatRequestVerifier = (authorization: string | undefined) => Promise<void>;

const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

/** A verifier; it throws with the reason when a token does not verify. */
export function chatRequestVerifier(options: ChatRequestVerifierOptions): ChatRequestVerifier {
  const client = new OAuth2Client({
    endpoints: {
      oauth2FederatedSignonPemCertsUrl: options.certsUrl ?? DEFAULT_CERTS_URL[options.audienceType],
    },
  });
  return async (authorization) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new Error('no bearer token');
    const { certs } = await client.getFederatedSignonCertsAsync();
    const issuers = options.audienceType === 'app-url' ? GOOGLE_ISSUERS : [CHAT_ISSUER];
    const ticket = await client.verifySignedJwtWithCertsAsync(
      token,
      certs,
      options.audience,
      issuers,
    );
    if (options.audienceType === 'app-url') {
      // Any Google-signed ID token for this URL would pass the checks above; only Chat's own
      // service account may call the app.
      const payload = ticket.getPayload();
      if (payload?.email !== CHAT_ISSUER || payload.email_verified !== true) {
        throw new Error(`ID token of ${payload?.email ?? 'no email'}, not ${CHAT_ISSUER}`);
      }
    }
  };
}
