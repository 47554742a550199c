import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { messageText } from '../../core/messages.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';
import { createTestChannel, type TestChannel } from '../helpers/test-channel.js';
import { expectBundledPluginLoaded } from '../helpers/bundled-plugin.js';

// The bundled webhooks plugin in the real gateway: a POSTed hook starts a turn with the
// templated message in the templated session, a wrong token is refused, a redelivery is
// answered with the first run, and a mapping may deliver the reply to a channel.

const token = 'hook-token-0123456789';
let llm: FakeLlmServer;
let channel: TestChannel;
let harness: ChannelGatewayHarness;

beforeAll(async () => {
  llm = await startFakeLlmServer();
  channel = createTestChannel();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [channel.plugin],
    channels: { testchat: { token: 't', dmPolicy: 'open', allowFrom: ['*'] } },
    config: {
      agent: { id: 'hooktest' },
      plugins: {
        entries: {
          webhooks: {
            enabled: true,
            config: {
              token,
              mappings: [
                {
                  match: { path: 'alerts' },
                  name: 'Monitor',
                  sessionKey: 'hook:alerts:{{body.sender}}',
                  messageTemplate: 'Alert from {{body.sender}}: {{body.alert.text}}',
                },
                {
                  match: { path: 'ci' },
                  sessionKey: 'hook:ci',
                  messageTemplate: 'Build {{build.status}} on {{headers.x-branch}}',
                  deliver: true,
                  channel: 'testchat',
                  to: '{{body.chat}}',
                },
              ],
            },
          },
        },
      },
    },
  });
}, 180_000);

afterAll(async () => {
  await harness?.close();
  await llm?.close();
});

function post(path: string, body: unknown, headers: Record<string, string>) {
  return fetch(`${harness.url}/plugins/webhooks/hooks/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function finished(runId: string) {
  await harness.call('agent.wait', { runId, timeoutMs: 60_000 });
}

async function userTexts(sessionKey: string): Promise<string[]> {
  return (await harness.transcript(sessionKey)).flatMap((entry) =>
    entry.type === 'message' && entry.message.role === 'user' ? [messageText(entry.message)] : [],
  );
}

describe('webhooks', () => {
  it('is the bundled plugin in extensions/webhooks, loaded, with its hook routes', async () => {
    const plugin = await expectBundledPluginLoaded(
      (method, params) => harness.call(method, params),
      'webhooks',
      'extensions/webhooks',
    );
    expect(plugin.registered).toMatchObject({
      httpRoutes: expect.arrayContaining([
        expect.stringContaining('/plugins/webhooks/') as unknown,
      ]) as unknown,
    });
  });

  it('a hook starts a turn with the templated message in the templated session', async () => {
    const response = await post(
      'alerts',
      { sender: 'alice', alert: { text: 'disk full on db-1' } },
      { authorization: `Bearer ${token}`, 'idempotency-key': 'evt-1' },
    );
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { runId: string; sessionKey: string };
    expect(accepted.sessionKey).toBe('agent:hooktest:hook:alerts:alice');
    await finished(accepted.runId);
    const request = llm.requests.at(-1)!;
    expect(request.userText).toBe('[Monitor] Alert from alice: disk full on db-1');
    // Someone else's words: the model gets them as untrusted content.
    expect(request.untrustedSource).toBe('webhook Monitor');
    const texts = await userTexts(accepted.sessionKey);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('Alert from alice: disk full on db-1');
  });

  it('refuses a wrong or missing token with 401, and accepts x-clawdbot-token', async () => {
    const body = { sender: 'mallory', alert: { text: 'x' } };
    expect(
      (await post('alerts', body, { authorization: 'Bearer wrong-token-000000000' })).status,
    ).toBe(401);
    expect((await post('alerts', body, {})).status).toBe(401);
    expect(await harness.store.get('agent:hooktest:hook:alerts:mallory')).toBeUndefined();
    const viaHeader = await post(
      'alerts',
      { sender: 'bob', alert: { text: 'cpu hot' } },
      { 'x-clawdbot-token': token, 'idempotency-key': 'evt-2' },
    );
    expect(viaHeader.status).toBe(202);
    await finished(((await viaHeader.json()) as { runId: string }).runId);
  });

  it('a redelivery answers 200 with the same run and starts nothing', async () => {
    const body = { id: 'delivery-77', sender: 'carol', alert: { text: 'queue stuck' } };
    const first = await post('alerts', body, { authorization: `Bearer ${token}` });
    expect(first.status).toBe(202);
    const { runId } = (await first.json()) as { runId: string };
    await finished(runId);
    const calls = llm.requests.length;
    const again = await post('alerts', body, { authorization: `Bearer ${token}` });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true, runId });
    await sleep(1_500);
    expect(llm.requests.length).toBe(calls);
    expect(await userTexts('agent:hooktest:hook:alerts:carol')).toHaveLength(1);
  });

  it('delivers the reply to the mapped channel and chat', async () => {
    const response = await post(
      'ci',
      { id: 'build-9', build: { status: 'passed' }, chat: 'chat-42' },
      { authorization: `Bearer ${token}`, 'x-branch': 'main' },
    );
    expect(response.status).toBe(202);
    await finished(((await response.json()) as { runId: string }).runId);
    for (let waited = 0; waited < 300 && channel.sends.length === 0; waited++) await sleep(100);
    const sent = channel.sends.find((send) => send.op === 'text');
    expect(sent?.target.chatId).toBe('chat-42');
    expect(sent?.text).toBe('echo: Build passed on main');
  });
});
