import { createHmac } from 'node:crypto';
import type { webhook } from '@line/bot-sdk';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { retryKeyOf } from './retry-key.js';
import { lineWebhookRoute } from './webhook.js';

// The two LINE rules that decide "exactly once" without the platform: the webhook's
// signature check and redelivery dedupe, and the retry key LINE dedupes pushes by. The
// channel end to end (real @line/bot-sdk against a fake Messaging API) is in
// test/channels/line.test.ts.

const secret = 'line-channel-secret';
const sign = (body: string, key = secret) =>
  createHmac('sha256', key).update(body).digest('base64');

function route() {
  const handled: string[] = [];
  const logs: string[] = [];
  const webhookRoute = lineWebhookRoute({
    path: '/line/webhook',
    channelSecret: secret,
    logger: createLogger('line-test', 'debug', (line) => void logs.push(line)),
    signal: new AbortController().signal,
    handle: (event: webhook.Event) => {
      handled.push(event.webhookEventId);
      return Promise.resolve(undefined);
    },
  });
  const post = (body: string, signature: string | undefined) =>
    webhookRoute.handler({
      headers: signature === undefined ? {} : { 'x-line-signature': signature },
      rawBody: Buffer.from(body),
      query: {},
    });
  return { post, handled, logs };
}

const callback = (...ids: string[]) =>
  JSON.stringify({
    destination: 'Ubot',
    events: ids.map((id) => ({
      type: 'message',
      webhookEventId: id,
      timestamp: 1,
      mode: 'active',
      source: { type: 'user', userId: 'Ualice' },
      deliveryContext: { isRedelivery: false },
      message: { type: 'text', id: `m-${id}`, text: 'hi', quoteToken: 'q' },
      replyToken: 'r',
    })),
  });

describe('LINE webhook', () => {
  it('refuses a missing or wrong X-Line-Signature with 401 and hands nothing over', async () => {
    const { post, handled, logs } = route();
    const body = callback('e1');
    expect((await post(body, undefined)).status).toBe(401);
    expect((await post(body, sign(body, 'another-secret'))).status).toBe(401);
    // Signed, then altered: the signature covers the raw bytes.
    expect((await post(body.replace('hi', 'ho'), sign(body))).status).toBe(401);
    expect(handled).toEqual([]);
    expect(logs.some((line) => line.includes('bad X-Line-Signature'))).toBe(true);
  });

  it('hands each event over once, even when LINE redelivers it', async () => {
    const { post, handled } = route();
    const first = callback('e1', 'e2');
    expect(await post(first, sign(first))).toMatchObject({ status: 200 });
    const again = callback('e2', 'e3');
    expect(await post(again, sign(again))).toMatchObject({ status: 200 });
    expect(handled).toEqual(['e1', 'e2', 'e3']);
  });

  it('answers 400 to a correctly signed body that is not JSON', async () => {
    const { post, handled } = route();
    expect((await post('not json', sign('not json'))).status).toBe(400);
    expect(handled).toEqual([]);
  });
});

describe('LINE retry key', () => {
  it('is a UUID, the same for every retry of one delivery and different between deliveries', () => {
    const key = retryKeyOf('delivery:run-1:0');
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(retryKeyOf('delivery:run-1:0')).toBe(key);
    expect(retryKeyOf('delivery:run-1:1')).not.toBe(key);
  });
});
