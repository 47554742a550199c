// A fake of the Microsoft services a Bot Framework bot talks to, on 127.0.0.1, keeping to
// their documented wire formats ("Authentication with the Bot Connector API", the Bot
// Connector REST reference):
//  - OpenID metadata: GET /v1/.well-known/openidconfiguration → `{ issuer, jwks_uri,
//    id_token_signing_alg_values_supported: ['RS256'], ... }`; the key set at jwks_uri →
//    `{ keys: [{ kty, use, kid, n, e, endorsements: ['msteams', ...] }] }`;
//  - Entra ID token endpoint: POST /{tenant}/oauth2/v2.0/token, form grant_type=
//    client_credentials, client_id, client_secret, scope=https://api.botframework.com/.default
//    → `{ token_type: 'Bearer', expires_in, ext_expires_in, access_token }`, else 400/401
//    `{ error, error_description }`;
//  - the Bot Connector under a regional serviceUrl (`/amer/`): POST
//    /v3/conversations/{conversationId}/activities[/{activityId}] with the bearer app token
//    → 201 `{ id }`; errors `{ error: { code, message } }`.
// It signs the tokens the Bot Connector sends with each activity (iss
// https://api.botframework.com, aud the App ID, serviceurl claim, 5-minute skew allowed).
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { changeWaiter } from '../change-waiter.js';
import { listenHttpFake, readForm, readJson, sendJson } from '../http-fake.js';

/** An activity the bot posted through the connector. */
export interface TeamsSent {
  id: string;
  conversationId: string;
  /** The activity id in the URL (a reply), if any. */
  replyToPath?: string;
  text: string;
  textFormat?: string;
  replyToId?: string;
}

/** How a test wants an activity's token made. */
export interface ActivityTokenOptions {
  audience?: string;
  serviceUrl?: string;
  expiredSecondsAgo?: number;
  /** Sign with a key that is not published. */
  unknownKey?: boolean;
  /** Sign with the published key that is endorsed only for another channel. */
  otherChannelKey?: boolean;
  issuer?: string;
}

/** A running fake. */
export interface FakeTeams {
  url: string;
  /** The serviceUrl activities name (the connector's regional root). */
  serviceUrl: string;
  openIdMetadataUrl: string;
  tenantId: string;
  tokenUrl: string;
  appId: string;
  appPassword: string;
  sent: TeamsSent[];
  tokenRequests: { granted: boolean }[];
  signActivityToken(options?: ActivityTokenOptions): Promise<string>;
  waitFor<T>(check: () => T | undefined | false): Promise<T>;
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: Record<string, unknown>;
}

async function signingKey(endorsements: string[]): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(12).toString('base64url');
  return {
    kid,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, use: 'sig', endorsements },
  };
}

/** Start the fake on a free port. */
export async function startFakeTeams(): Promise<FakeTeams> {
  const waiter = changeWaiter();
  const teamsKey = await signingKey(['msteams', 'webchat', 'emulator']);
  const skypeOnlyKey = await signingKey(['skype']);
  const strangerKey = await signingKey(['msteams']);
  const appId = randomUUID();
  const appPassword = randomBytes(24).toString('base64url');
  const tenantId = randomUUID();
  const accessTokens = new Set<string>();
  const sent: TeamsSent[] = [];
  const tokenRequests: { granted: boolean }[] = [];
  let url = '';

  const json = (response: ServerResponse, status: number, body: unknown) => {
    sendJson(response, status, body, { 'content-type': 'application/json; charset=utf-8' });
    waiter.changed();
  };
  const connectorError = (
    response: ServerResponse,
    status: number,
    code: string,
    message: string,
  ) => json(response, status, { error: { code, message } });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const { pathname } = new URL(request.url ?? '/', 'http://x');
    const method = request.method ?? 'GET';
    if (method === 'GET' && pathname === '/v1/.well-known/openidconfiguration') {
      return json(response, 200, {
        issuer: 'https://api.botframework.com',
        authorization_endpoint: 'https://invalid.botframework.com',
        jwks_uri: `${url}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (method === 'GET' && pathname === '/v1/.well-known/keys') {
      return json(response, 200, { keys: [teamsKey.publicJwk, skypeOnlyKey.publicJwk] });
    }
    if (method === 'POST' && pathname === `/${tenantId}/oauth2/v2.0/token`) {
      const form = await readForm(request);
      const problem =
        form.get('grant_type') !== 'client_credentials'
          ? ['unsupported_grant_type', 'AADSTS70003: grant type not supported']
          : form.get('client_id') !== appId || form.get('client_secret') !== appPassword
            ? ['invalid_client', 'AADSTS7000215: Invalid client secret provided.']
            : form.get('scope') !== 'https://api.botframework.com/.default'
              ? ['invalid_scope', 'AADSTS70011: The provided value for scope is not valid.']
              : undefined;
      tokenRequests.push({ granted: !problem });
      if (problem) {
        return json(response, problem[0] === 'invalid_client' ? 401 : 400, {
          error: problem[0],
          error_description: problem[1],
        });
      }
      const token = `eyJ0eXAiOiJKV1Qi.${randomBytes(32).toString('base64url')}`;
      accessTokens.add(token);
      return json(response, 200, {
        token_type: 'Bearer',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: token,
      });
    }
    const activities = /^\/amer\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(
      pathname,
    );
    if (method === 'POST' && activities) {
      const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (!bearer || !accessTokens.has(bearer)) {
        return connectorError(response, 401, 'Unauthorized', 'Authorization has been denied.');
      }
      let body: { type?: string; text?: string; textFormat?: string; replyToId?: string };
      try {
        body = await readJson<typeof body>(request);
      } catch {
        return connectorError(response, 400, 'BadArgument', 'Invalid activity');
      }
      if (body.type !== 'message' || !body.text) {
        return connectorError(response, 400, 'BadArgument', 'Activity has no text');
      }
      if (Buffer.byteLength(JSON.stringify(body)) > 28_000) {
        return connectorError(response, 413, 'MessageSizeTooBig', 'Message size too big');
      }
      const message: TeamsSent = {
        id: String(Date.now() + sent.length),
        conversationId: decodeURIComponent(activities[1]!),
        ...(activities[2] ? { replyToPath: decodeURIComponent(activities[2]) } : {}),
        text: body.text,
        ...(body.textFormat ? { textFormat: body.textFormat } : {}),
        ...(body.replyToId ? { replyToId: body.replyToId } : {}),
      };
      sent.push(message);
      return json(response, 201, { id: message.id });
    }
    return connectorError(response, 404, 'NotFound', `${method} ${pathname}`);
  };

  const http = await listenHttpFake(handle, {
    onError: (response, error) => connectorError(response, 500, 'ServiceError', error.message),
  });
  url = http.url;
  const serviceUrl = `${url}/amer/`;
  return {
    url,
    serviceUrl,
    openIdMetadataUrl: `${url}/v1/.well-known/openidconfiguration`,
    tenantId,
    tokenUrl: `${url}/${tenantId}/oauth2/v2.0/token`,
    appId,
    appPassword,
    sent,
    tokenRequests,
    async signActivityToken(options = {}) {
      const key = options.unknownKey
        ? strangerKey
        : options.otherChannelKey
          ? skypeOnlyKey
          : teamsKey;
      const now = Math.floor(Date.now() / 1000);
      const issuedAt = options.expiredSecondsAgo ? now - options.expiredSecondsAgo - 3600 : now;
      return new SignJWT({ serviceurl: options.serviceUrl ?? serviceUrl })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
        .setIssuer(options.issuer ?? 'https://api.botframework.com')
        .setAudience(options.audience ?? appId)
        .setIssuedAt(issuedAt)
        .setNotBefore(issuedAt)
        .setExpirationTime(issuedAt + 3600)
        .sign(key.privateKey);
    },
    waitFor: (check) => waiter.waitFor(check),
    close: http.close,
  };
}
