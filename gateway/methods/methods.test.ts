import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  configGetResult,
  configPatchResult,
  healthResult,
  modelsListResult,
  sessionsDeleteResult,
  sessionsListResult,
  sessionsPatchResult,
  sessionsResetResult,
  statusResult,
} from '../../core/protocol/index.js';
import {
  startTestGateway,
  TestClient,
  type TestGateway,
  type TestGatewayOptions,
} from '../ws/test-harness.js';
import { REDACTED } from './config-document.js';

let gateway: TestGateway | undefined;
let client: TestClient | undefined;
afterEach(async () => {
  client?.close();
  await gateway?.close();
  gateway = undefined;
  client = undefined;
});

async function connect(options: TestGatewayOptions = {}): Promise<TestClient> {
  gateway = await startTestGateway(options);
  client = (await TestClient.connected(gateway.url)).client;
  return client;
}

describe('system methods', () => {
  it('health, status and models.list answer with their documented shapes', async () => {
    const c = await connect({
      config: { agent: { model: 'openai/gpt-4.1', fallbacks: ['anthropic/claude-sonnet-4-5'] } },
      env: { OPENAI_API_KEY: 'sk-test' },
    });
    const health = await c.request('health');
    expect(healthResult.parse(health.payload)).toMatchObject({ ok: true });

    const status = await c.request('status');
    expect(statusResult.parse(status.payload)).toMatchObject({ connections: 1 });

    const models = modelsListResult.parse((await c.request('models.list')).payload);
    expect(models.models).toEqual([
      expect.objectContaining({
        id: 'gpt-4.1',
        provider: 'openai',
        default: true,
        configured: true,
      }),
      expect.objectContaining({
        id: 'claude-sonnet-4-5',
        provider: 'anthropic',
        configured: false,
      }),
    ]);
  });
});

describe('config.get / config.patch', () => {
  const token = 'secret-token-1234';
  const options = {
    config: { gateway: { auth: { token } }, providers: { anthropic: { apiKey: 'sk-ant-secret' } } },
  };

  async function connectWithToken(): Promise<TestClient> {
    gateway = await startTestGateway(options);
    client = (await TestClient.connected(gateway.url, { auth: { token } })).client;
    return client;
  }

  it('returns the file and the effective config with secrets redacted', async () => {
    const c = await connectWithToken();
    const response = await c.request('config.get');
    const payload = configGetResult.parse(response.payload);
    expect(JSON.stringify(response)).not.toContain(token);
    expect(JSON.stringify(response)).not.toContain('sk-ant-secret');
    expect(payload).toMatchObject({ exists: true, valid: true, path: gateway!.paths.configFile });
    expect(payload.parsed).toMatchObject({ gateway: { auth: { token: REDACTED } } });
    expect(payload.config).toMatchObject({ gateway: { port: 18789 }, agent: { id: 'main' } });
  });

  it('merges a patch (objects merge, null deletes), validates and writes it', async () => {
    const c = await connectWithToken();
    const before = configGetResult.parse((await c.request('config.get')).payload);
    const patch = { agent: { maxSteps: 7 }, providers: { anthropic: null } };
    const response = await c.request('config.patch', {
      raw: JSON.stringify(patch),
      baseHash: before.hash,
    });
    const payload = configPatchResult.parse(response.payload);
    expect(payload.config).toMatchObject({ agent: { maxSteps: 7 } });
    expect(payload.hash).not.toBe(before.hash);
    const written = JSON.parse(readFileSync(gateway!.paths.configFile, 'utf8')) as unknown;
    // The token the client only saw redacted is still there; the deleted key is gone.
    expect(written).toEqual({
      gateway: { auth: { token } },
      providers: {},
      agent: { maxSteps: 7 },
    });
    // The new config is live: config.get reflects it.
    const after = configGetResult.parse((await c.request('config.get')).payload);
    expect(after.config).toMatchObject({ agent: { maxSteps: 7 } });
  });

  it('keeps secrets a client echoes back redacted', async () => {
    const c = await connectWithToken();
    const patch = { gateway: { auth: { token: REDACTED } }, agent: { id: 'helper' } };
    const response = await c.request('config.patch', { raw: JSON.stringify(patch) });
    expect(response.ok).toBe(true);
    const written = JSON.parse(readFileSync(gateway!.paths.configFile, 'utf8')) as {
      gateway: { auth: { token: string } };
    };
    expect(written.gateway.auth.token).toBe(token);
  });

  it('rejects an invalid config, a stale baseHash and a malformed patch, leaving the file alone', async () => {
    const c = await connectWithToken();
    const original = readFileSync(gateway!.paths.configFile, 'utf8');
    const invalid = await c.request('config.patch', { raw: '{ agent: { maxSteps: -1 } }' });
    expect(invalid.error).toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('agent.maxSteps') as unknown,
    });
    const stale = await c.request('config.patch', { raw: '{}', baseHash: 'stale' });
    expect(stale.error).toMatchObject({
      code: 'INVALID_REQUEST',
      details: { hash: expect.any(String) as unknown },
    });
    const malformed = await c.request('config.patch', { raw: '{ nope' });
    expect(malformed.error?.code).toBe('INVALID_REQUEST');
    const notObject = await c.request('config.patch', { raw: '[1]' });
    expect(notObject.error?.code).toBe('INVALID_REQUEST');
    expect(readFileSync(gateway!.paths.configFile, 'utf8')).toBe(original);
  });
});

describe('sessions methods', () => {
  it('lists, resets and deletes sessions in the real store', async () => {
    const c = await connect();
    const { store } = gateway!;
    const main = await store.ensure('agent:main:main');
    await store.ensure('agent:main:telegram:group:42', { label: 'family' });

    const list = sessionsListResult.parse((await c.request('sessions.list', {})).payload);
    expect(list.count).toBe(2);
    expect(list.sessions.map((row) => [row.key, row.kind]).sort()).toEqual([
      ['agent:main:main', 'direct'],
      ['agent:main:telegram:group:42', 'group'],
    ]);
    const filtered = sessionsListResult.parse(
      (await c.request('sessions.list', { search: 'FAMILY', limit: 5 })).payload,
    );
    expect(filtered.sessions.map((row) => row.key)).toEqual(['agent:main:telegram:group:42']);

    // `main` is normalised to the full key, like OpenClaw.
    const reset = sessionsResetResult.parse(
      (await c.request('sessions.reset', { key: 'main' })).payload,
    );
    expect(reset.key).toBe('agent:main:main');
    expect(reset.entry.sessionId).not.toBe(main.sessionId);

    const deleted = await c.request('sessions.delete', { key: 'telegram:group:42' });
    expect(sessionsDeleteResult.parse(deleted.payload)).toMatchObject({ deleted: true });
    const again = await c.request('sessions.delete', { key: 'telegram:group:42' });
    expect(again.payload).toMatchObject({ deleted: false });

    const mainDelete = await c.request('sessions.delete', { key: 'main' });
    expect(mainDelete.error).toMatchObject({ code: 'INVALID_REQUEST' });
    const badKey = await c.request('sessions.reset', { key: 'agent::x' });
    expect(badKey.error).toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('patches a label (null clears it); host is refused without a shared store', async () => {
    const c = await connect();
    await gateway!.store.ensure('agent:main:patch-me');
    const labelled = await c.request('sessions.patch', { key: 'patch-me', label: 'Work' });
    expect(sessionsPatchResult.parse(labelled.payload).entry).toMatchObject({ label: 'Work' });
    expect((await gateway!.store.get('agent:main:patch-me'))?.label).toBe('Work');
    await c.request('sessions.patch', { key: 'patch-me', label: null });
    expect((await gateway!.store.get('agent:main:patch-me'))?.label).toBeUndefined();

    const host = await c.request('sessions.patch', { key: 'patch-me', host: 'other-host' });
    expect(host.error).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(host.error?.message).toContain('store.postgresUrl');
    const badHost = await c.request('sessions.patch', { key: 'patch-me', host: '../etc' });
    expect(badHost.error).toMatchObject({ code: 'INVALID_REQUEST' });
    const missing = await c.request('sessions.patch', { key: 'never-created', label: 'x' });
    expect(missing.error).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers UNAVAILABLE when the gateway has no session store', async () => {
    const c = await connect({ withoutStore: true });
    const response = await c.request('sessions.list', {});
    expect(response.error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
  });
});

describe('errors', () => {
  it('unknown methods and invalid params are INVALID_REQUEST with details', async () => {
    const c = await connect();
    const unknown = await c.request('nope.nothing', {});
    expect(unknown.error).toEqual({
      code: 'INVALID_REQUEST',
      message: 'unknown method: nope.nothing',
    });
    const invalid = await c.request('chat.history', { sessionKey: 5, limit: 'ten' });
    expect(invalid.error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'invalid chat.history params',
      details: {
        issues: expect.arrayContaining([
          expect.objectContaining({ path: 'sessionKey' }),
        ]) as unknown,
      },
    });
  });

  it('chat and agent methods answer UNAVAILABLE without an agent runtime', async () => {
    const c = await connect();
    const requests: [string, unknown][] = [
      ['chat.send', { sessionKey: 'main', message: 'hi', idempotencyKey: 'k1' }],
      ['chat.history', { sessionKey: 'main' }],
      ['chat.abort', { sessionKey: 'main' }],
      ['agent', { message: 'hi', idempotencyKey: 'k2' }],
      ['agent.wait', { runId: 'k2', timeoutMs: 10 }],
    ];
    for (const [method, params] of requests) {
      const response = await c.request(method, params);
      expect(response.error, method).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    }
  });

  it('send names the missing channel', async () => {
    const c = await connect();
    const response = await c.request('send', {
      to: '123',
      message: 'hi',
      channel: 'telegram',
      idempotencyKey: 's1',
    });
    expect(response.error).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'no channel named telegram is configured',
    });
  });

  it('rate-limits a flooding client with RATE_LIMITED and retryAfterMs', async () => {
    const c = await connect({ ws: { rateLimit: { perSecond: 1, burst: 3 } } });
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, index) => c.request('status', {}, `flood-${index}`)),
    );
    const limited = responses.filter((response) => response.error?.code === 'RATE_LIMITED');
    expect(limited).toHaveLength(2);
    expect(limited[0]!.error).toMatchObject({
      retryable: true,
      retryAfterMs: expect.any(Number) as unknown,
    });
    expect(limited[0]!.error!.retryAfterMs).toBeGreaterThan(0);
  });
});
