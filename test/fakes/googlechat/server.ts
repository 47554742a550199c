// A fake of the Google services a Chat app talks to, on 127.0.0.1, keeping to Google's
// documented wire formats:
//  - the published signing keys: GET /certs → `{ "<kid>": "<x509 PEM certificate>" }` with
//    Cache-Control max-age (the format of Google's oauth2/v1/certs and of the
//    chat@system.gserviceaccount.com metadata endpoint);
//  - the OAuth token endpoint: POST /token, form `grant_type=urn:ietf:params:oauth:grant-type:
//    jwt-bearer&assertion=<RS256 JWT>` whose iss is the service account, aud this URL and
//    scope chat.bot → `{ access_token, expires_in, token_type }`, else 400 `{ error,
//    error_description }`;
//  - the Chat API: POST /v1/spaces/{space}/messages (bearer token; `requestId` returns the
//    message created with that id; `messageReplyOption` + `thread.name`; text at most 4096
//    characters) and GET /v1/media/{resourceName}?alt=media. Errors are `{ error: { code,
//    message, status } }`.
// It also signs interaction events' bearer tokens as Chat does (ID token for the app URL
// audience, or a JWT issued by chat@system.gserviceaccount.com for a project number).
import { execFileSync } from 'node:child_process';
import {
  createPublicKey,
  createSign,
  createVerify,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { changeWaiter } from '../change-waiter.js';
import { listenHttpFake, readForm, readJson, sendJson } from '../http-fake.js';

/** A message the app created. */
export interface ChatSent {
  name: string;
  space: string;
  text: string;
  thread: string;
  requestId?: string;
  messageReplyOption?: string;
  at: number;
}

/** How a test wants an event's token signed. */
export interface EventTokenOptions {
  audienceType: 'app-url' | 'project-number';
  audience: string;
  /** Seconds from now the token expired (it is then past Google's skew allowance too). */
  expiredSecondsAgo?: number;
  /** Sign with a key that is not published. */
  unknownKey?: boolean;
  /** Email of an ID token (app-url); default chat@system.gserviceaccount.com. */
  email?: string;
}

/** A running fake. */
export interface FakeGoogleChat {
  url: string;
  /** Chat API base URL (apiBaseUrl). */
  apiBaseUrl: string;
  tokenUrl: string;
  certsUrl: string;
  /** The app's service account key, as the JSON key file holds it. */
  serviceAccount: {
    type: 'service_account';
    client_email: string;
    private_key: string;
    private_key_id: string;
    token_uri: string;
  };
  sent: ChatSent[];
  /** Access tokens handed out (and token requests refused). */
  tokenRequests: { granted: boolean; at: number }[];
  /** An uploaded attachment a user sent: its attachmentDataRef.resourceName. */
  addAttachment(bytes: Buffer, contentType: string): string;
  /** The bearer token Chat would send with an event. */
  signEventToken(options: EventTokenOptions): string;
  waitFor<T>(check: () => T | undefined | false): Promise<T>;
  close(): Promise<void>;
}

const CHAT_ISSUER = 'chat@system.gserviceaccount.com';
const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

function signJwt(claims: object, privateKey: string, kid: string): string {
  const unsigned = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }))}.${base64url(JSON.stringify(claims))}`;
  return `${unsigned}.${base64url(createSign('RSA-SHA256').update(unsigned).sign(privateKey))}`;
}

function rsaKey() {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** An x509 certificate for a key (openssl; Node can read certificates but not make them). */
function selfSignedCertificate(privateKey: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-google-'));
  try {
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, privateKey, { mode: 0o600 });
    return execFileSync('openssl', [
      'req',
      '-new',
      '-x509',
      '-key',
      keyFile,
      '-subj',
      `/CN=${CHAT_ISSUER}`,
      '-days',
      '2',
    ]).toString('utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Start the fake on a free port. */
export async function startFakeGoogleChat(): Promise<FakeGoogleChat> {
  const waiter = changeWaiter();
  const google = rsaKey();
  const stranger = rsaKey();
  const googleKid = randomBytes(20).toString('hex');
  // Google publishes certificates, not bare keys: a self-signed one for the signing key.
  const certificate = selfSignedCertificate(google.privateKey);
  const app = rsaKey();
  const appKeyId = randomBytes(20).toString('hex');
  const accessTokens = new Set<string>();
  const sent: ChatSent[] = [];
  const tokenRequests: { granted: boolean; at: number }[] = [];
  const attachments = new Map<string, { bytes: Buffer; contentType: string }>();
  const byRequestId = new Map<string, ChatSent>();
  let url = '';
  const clientEmail = 'clawdbot-chat@clawdbot-test.iam.gserviceaccount.com';

  const json = (response: ServerResponse, status: number, body: unknown, headers = {}) => {
    sendJson(response, status, body, headers);
    waiter.changed();
  };
  const googleError = (response: ServerResponse, code: number, status: string, message: string) =>
    json(response, code, { error: { code, message, status } });

  /** Check a JWT bearer grant's assertion as Google's token endpoint does. */
  const grantError = (assertion: string): string | undefined => {
    const [header, payload, signature] = assertion.split('.');
    if (!header || !payload || !signature) return 'malformed assertion';
    const verified = createVerify('RSA-SHA256')
      .update(`${header}.${payload}`)
      .verify(createPublicKey(app.publicKey), Buffer.from(signature, 'base64url'));
    if (!verified) return 'Invalid JWT Signature.';
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const now = Math.floor(Date.now() / 1000);
    if (claims.iss !== clientEmail) return 'Invalid issuer';
    if (claims.aud !== `${url}/token`) return 'Invalid JWT: aud is not the token URL';
    if (typeof claims.exp !== 'number' || claims.exp < now || claims.exp - now > 3600) {
      return 'Invalid JWT: Token must be a short-lived token (60 minutes)';
    }
    if (
      !(typeof claims.scope === 'string' ? claims.scope.split(' ') : []).includes(
        'https://www.googleapis.com/auth/chat.bot',
      )
    ) {
      return 'Invalid scope';
    }
    return undefined;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const { pathname, searchParams } = new URL(request.url ?? '/', 'http://x');
    const method = request.method ?? 'GET';
    if (method === 'GET' && pathname === '/certs') {
      return json(
        response,
        200,
        { [googleKid]: certificate },
        {
          'cache-control': 'public, max-age=3600, must-revalidate, no-transform',
        },
      );
    }
    if (method === 'POST' && pathname === '/token') {
      const form = await readForm(request);
      const problem =
        form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer'
          ? 'Invalid grant_type'
          : grantError(form.get('assertion') ?? '');
      tokenRequests.push({ granted: !problem, at: Date.now() });
      if (problem)
        return json(response, 400, { error: 'invalid_grant', error_description: problem });
      const token = `ya29.${randomBytes(24).toString('base64url')}`;
      accessTokens.add(token);
      return json(response, 200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
    }
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer || !accessTokens.has(bearer)) {
      return googleError(
        response,
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token.',
      );
    }
    const media = /^\/v1\/media\/(.+)$/.exec(pathname);
    if (method === 'GET' && media) {
      const stored = attachments.get(media[1]!);
      if (searchParams.get('alt') !== 'media' || !stored) {
        return googleError(response, 404, 'NOT_FOUND', 'Requested entity was not found.');
      }
      response.writeHead(200, { 'content-type': stored.contentType });
      response.end(stored.bytes);
      waiter.changed();
      return;
    }
    const create = /^\/v1\/(spaces\/[^/]+)\/messages$/.exec(pathname);
    if (method === 'POST' && create) {
      const space = create[1]!;
      let body: { text?: string; thread?: { name?: string } };
      try {
        body = await readJson<typeof body>(request);
      } catch {
        return googleError(response, 400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
      }
      const requestId = searchParams.get('requestId') ?? undefined;
      const earlier = requestId ? byRequestId.get(`${space}/${requestId}`) : undefined;
      if (earlier) {
        return json(response, 200, {
          name: earlier.name,
          text: earlier.text,
          thread: { name: earlier.thread },
        });
      }
      if (!body.text) return googleError(response, 400, 'INVALID_ARGUMENT', 'Message is empty.');
      if (body.text.length > 4096) {
        return googleError(response, 400, 'INVALID_ARGUMENT', 'Message text is too long.');
      }
      const option = searchParams.get('messageReplyOption') ?? undefined;
      const wantsThread =
        body.thread?.name?.startsWith(`${space}/threads/`) &&
        (option === 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD' || option === 'REPLY_MESSAGE_OR_FAIL');
      const id = randomBytes(8).toString('hex');
      const message: ChatSent = {
        name: `${space}/messages/${id}.${id}`,
        space,
        text: body.text,
        thread: wantsThread ? body.thread!.name! : `${space}/threads/${id}`,
        ...(requestId ? { requestId } : {}),
        ...(option ? { messageReplyOption: option } : {}),
        at: Date.now(),
      };
      sent.push(message);
      if (requestId) byRequestId.set(`${space}/${requestId}`, message);
      return json(response, 200, {
        name: message.name,
        sender: { name: 'users/app', type: 'BOT' },
        text: message.text,
        thread: { name: message.thread },
        space: { name: space },
        createTime: new Date().toISOString(),
      });
    }
    return googleError(response, 404, 'NOT_FOUND', `${method} ${pathname}`);
  };

  const http = await listenHttpFake(handle, {
    onError: (response, error) => googleError(response, 500, 'INTERNAL', error.message),
  });
  url = http.url;
  return {
    url,
    apiBaseUrl: url,
    tokenUrl: `${url}/token`,
    certsUrl: `${url}/certs`,
    serviceAccount: {
      type: 'service_account',
      client_email: clientEmail,
      private_key: app.privateKey,
      private_key_id: appKeyId,
      token_uri: `${url}/token`,
    },
    sent,
    tokenRequests,
    addAttachment(bytes, contentType) {
      const resourceName = base64url(randomBytes(18));
      attachments.set(resourceName, { bytes, contentType });
      return resourceName;
    },
    signEventToken(options) {
      const now = Math.floor(Date.now() / 1000);
      const issuedAt = options.expiredSecondsAgo ? now - options.expiredSecondsAgo - 3600 : now;
      const claims =
        options.audienceType === 'app-url'
          ? {
              iss: 'https://accounts.google.com',
              aud: options.audience,
              sub: '113522443178398712345',
              email: options.email ?? CHAT_ISSUER,
              email_verified: true,
              iat: issuedAt,
              exp: issuedAt + 3600,
            }
          : { iss: CHAT_ISSUER, aud: options.audience, iat: issuedAt, exp: issuedAt + 3600 };
      return signJwt(
        claims,
        options.unknownKey ? stranger.privateKey : google.privateKey,
        googleKid,
      );
    },
    waitFor: (check) => waiter.waitFor(check),
    close: http.close,
  };
}
