import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../core/config/schema.js';
import { ClawdbotError } from '../../core/errors.js';
import { helloOkSchema, PROTOCOL_VERSION } from '../../core/protocol/index.js';
import { assertSafeBind } from './auth.js';
import {
  connectParams,
  startTestGateway,
  TestClient,
  type TestGateway,
  type TestGatewayOptions,
} from './test-harness.js';

const recordings = '/work/shared/reference/openclaw-frames';
/** The hello-ok payload a real OpenClaw gateway sent. */
const recordedHello = (
  JSON.parse(readFileSync(join(recordings, 'plain.jsonl'), 'utf8').split('\n')[2]!) as {
    frame: { payload: Record<string, unknown> };
  }
).frame.payload;

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function start(options: TestGatewayOptions = {}): Promise<TestGateway> {
  gateway = await startTestGateway(options);
  return gateway;
}

/** Open a socket, wait for the challenge, send `connect` with these params. */
async function attempt(url: string, params: unknown, headers: Record<string, string> = {}) {
  const client = await TestClient.open(url, headers);
  await client.event('connect.challenge');
  const response = await client.request('connect', params, 'c1');
  return { client, response, closed: await client.closed };
}

describe('handshake', () => {
  it('sends connect.challenge first, without a gateway seq', async () => {
    const { url } = await start();
    const client = await TestClient.open(url);
    const challenge = await client.event('connect.challenge');
    expect(client.frames[0]).toBe(challenge);
    expect(challenge.seq).toBeUndefined();
    expect(challenge.payload).toEqual({
      nonce: expect.any(String) as unknown,
      ts: expect.any(Number) as unknown,
    });
    client.close();
  });

  it('answers connect with hello-ok shaped like OpenClaw’s', async () => {
    const { url } = await start();
    const { client, hello } = await TestClient.connected(url);
    expect(hello).toMatchObject({ type: 'res', id: expect.any(String) as unknown, ok: true });
    const payload = helloOkSchema.parse(hello.payload);
    expect(payload.protocol).toBe(PROTOCOL_VERSION);
    // Every field OpenClaw sent, except its optional canvas host, is there with the same name.
    const keys = (value: unknown) => Object.keys(value as object).sort();
    expect(keys(payload)).toEqual(keys(recordedHello).filter((key) => key !== 'canvasHostUrl'));
    expect(keys(payload.policy)).toEqual(keys(recordedHello.policy));
    expect(payload.policy).toEqual(recordedHello.policy);
    const snapshot = recordedHello.snapshot as Record<string, unknown>;
    expect(keys(payload.snapshot)).toEqual(expect.arrayContaining(keys(snapshot)));
    expect(keys(payload.snapshot.sessionDefaults)).toEqual(keys(snapshot.sessionDefaults));
    expect(payload.snapshot.sessionDefaults?.mainSessionKey).toBe('agent:main:main');
    expect(payload.features.methods).toEqual(
      expect.arrayContaining([
        'health',
        'status',
        'chat.send',
        'chat.history',
        'chat.abort',
        'sessions.list',
        'sessions.reset',
        'sessions.delete',
        'agent',
        'agent.wait',
        'send',
        'models.list',
        'config.get',
        'config.patch',
      ]),
    );
    expect(payload.features.events).toEqual(
      expect.arrayContaining(['agent', 'chat', 'presence', 'tick', 'health', 'shutdown']),
    );
    expect(payload.snapshot.presence.map((entry) => entry.mode)).toEqual(['gateway', 'test']);
    expect(payload.snapshot.health).toMatchObject({ ok: true });
    client.close();
  });

  it('accepts any protocol range that includes 3', async () => {
    const { url } = await start();
    const { client, hello } = await TestClient.connected(url, { minProtocol: 1, maxProtocol: 9 });
    expect(hello.ok).toBe(true);
    client.close();
  });

  it.each([
    [4, 5],
    [1, 2],
  ])('refuses protocol range %i..%i with INVALID_REQUEST and close 1002', async (min, max) => {
    const { url } = await start();
    const { response, closed } = await attempt(
      url,
      connectParams({ minProtocol: min, maxProtocol: max }),
    );
    expect(response.ok).toBe(false);
    expect(response.error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'protocol mismatch',
      details: { expectedProtocol: 3 },
    });
    expect(closed.code).toBe(1002);
  });

  it('refuses a first frame that is not connect, with close 1008', async () => {
    const { url } = await start();
    const { response, closed } = await (async () => {
      const client = await TestClient.open(url);
      const res = await client.request('health', {}, 'h1');
      return { response: res, closed: await client.closed };
    })();
    expect(response.error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'invalid handshake: first request must be connect',
    });
    expect(closed.code).toBe(1008);
  });

  it('closes on a malformed first frame and on invalid connect params', async () => {
    const { url } = await start();
    const raw = await TestClient.open(url);
    raw.sendRaw('{not json');
    expect((await raw.closed).code).toBe(1008);

    const { response, closed } = await attempt(url, { minProtocol: 3 });
    expect(response.error?.code).toBe('INVALID_REQUEST');
    expect(response.error?.message).toBe('invalid connect params');
    expect(response.error?.details).toMatchObject({ issues: expect.any(Array) as unknown });
    expect(closed.code).toBe(1008);
  });

  it('closes a client that does not connect in time', async () => {
    const { url } = await start({ ws: { handshakeTimeoutMs: 100 } });
    const client = await TestClient.open(url);
    expect(await client.closed).toEqual({ code: 1008, reason: 'handshake timeout' });
  });

  it('closes with 1009 on a first frame over the pre-auth limit', async () => {
    const { url } = await start();
    const client = await TestClient.open(url);
    client.sendRaw('x'.repeat(65 * 1024));
    expect((await client.closed).code).toBe(1009);
  });

  it('refuses a second connect on the same socket', async () => {
    const { url } = await start();
    const { client } = await TestClient.connected(url);
    const again = await client.request('connect', connectParams());
    expect(again.error).toMatchObject({ code: 'INVALID_REQUEST', message: 'already connected' });
    client.close();
  });
});

describe('auth', () => {
  const token = 'secret-token-1234';
  const password = 'secret-password-1234';

  it('accepts the right token, refuses a wrong or missing one like OpenClaw', async () => {
    const { url } = await start({ config: { gateway: { auth: { token } } } });
    const ok = await TestClient.connected(url, { auth: { token } });
    expect(ok.hello.ok).toBe(true);
    ok.client.close();

    const wrong = await attempt(url, connectParams({ auth: { token: 'nope-nope-nope' } }));
    expect(wrong.response.error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/^unauthorized: gateway token mismatch/) as unknown,
      details: { code: 'AUTH_TOKEN_MISMATCH' },
    });
    expect(wrong.closed.code).toBe(1008);

    const missing = await attempt(url, connectParams());
    expect(missing.response.error?.details).toMatchObject({ code: 'AUTH_TOKEN_MISSING' });
    expect(missing.closed.code).toBe(1008);
  });

  it('takes the token from CLAWDBOT_GATEWAY_TOKEN', async () => {
    const { url } = await start({ env: { CLAWDBOT_GATEWAY_TOKEN: token } });
    const ok = await TestClient.connected(url, { auth: { token } });
    expect(ok.hello.ok).toBe(true);
    ok.client.close();
    const missing = await attempt(url, connectParams());
    expect(missing.response.ok).toBe(false);
  });

  it('accepts the right password, refuses a wrong one', async () => {
    const { url } = await start({ config: { gateway: { auth: { password } } } });
    const ok = await TestClient.connected(url, { auth: { password } });
    expect(ok.hello.ok).toBe(true);
    ok.client.close();
    const wrong = await attempt(url, connectParams({ auth: { password: 'wrong-password' } }));
    expect(wrong.response.error?.details).toMatchObject({ code: 'AUTH_PASSWORD_MISMATCH' });
    expect(wrong.closed.code).toBe(1008);
  });

  it('answers NOT_PAIRED to a device identity without the shared secret', async () => {
    const { url } = await start({ config: { gateway: { auth: { token } } } });
    const device = {
      id: 'dev',
      publicKey: 'pk',
      signature: 'sig',
      signedAt: Date.now(),
      nonce: 'n',
    };
    const { response, closed } = await attempt(url, connectParams({ device }));
    expect(response.error).toMatchObject({
      code: 'NOT_PAIRED',
      details: { code: 'PAIRING_REQUIRED' },
    });
    expect(closed.code).toBe(1008);
  });

  it('lets loopback in without credentials when no auth is configured, but not via a proxy', async () => {
    const { url } = await start();
    const ok = await TestClient.connected(url);
    expect(ok.hello.ok).toBe(true);
    ok.client.close();
    const proxied = await attempt(url, connectParams(), { 'x-forwarded-for': '203.0.113.9' });
    expect(proxied.response.error?.details).toMatchObject({ code: 'AUTH_TOKEN_NOT_CONFIGURED' });
    expect(proxied.closed.code).toBe(1008);
  });

  it('does not let a page of another site in through the browser (Origin, DNS rebinding Host)', async () => {
    const { url } = await start();
    const foreign: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { host: 'evil.example:18789' },
    ];
    for (const headers of foreign) {
      const refused = await attempt(url, connectParams(), headers);
      expect(refused.response.error?.details).toMatchObject({ code: 'AUTH_TOKEN_NOT_CONFIGURED' });
      expect(refused.closed.code).toBe(1008);
    }
    const sameSite = await TestClient.open(url, { origin: url.replace(/^ws/, 'http') });
    await sameSite.event('connect.challenge');
    expect((await sameSite.request('connect', connectParams(), 'c1')).ok).toBe(true);
    sameSite.socket.close();
  });

  it('refuses to bind a non-loopback address without auth', () => {
    const open = configSchema.parse({ gateway: { bind: '0.0.0.0' } });
    expect(() => assertSafeBind(open)).toThrow(ClawdbotError);
    expect(() => assertSafeBind(open)).toThrow(/without auth/);
    expect(() =>
      assertSafeBind(configSchema.parse({ gateway: { bind: '0.0.0.0', auth: { token } } })),
    ).not.toThrow();
    expect(() => assertSafeBind(configSchema.parse({}))).not.toThrow();
    expect(() => assertSafeBind(configSchema.parse({ gateway: { bind: '::1' } }))).not.toThrow();
  });
});
