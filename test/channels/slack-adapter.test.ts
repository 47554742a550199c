// The Slack adapter on its own: the real @slack/bolt (WebClient, SocketModeClient) against the
// fake Slack on 127.0.0.1, with a hand-made start context that records what the channel
// hands over. The end-to-end tests (gateway, Temporal, LLM) are in slack.test.ts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSlackAccount, type SlackAccount } from '../../channels/slack/account.js';
import {
  ChannelSendError,
  type ChannelAccountHandle,
  type ChannelAccountStatus,
  type ChannelHttpRoute,
  type ChannelInbound,
  type DeliveryTarget,
  type InboundOutcome,
} from '../../channels/types.js';
import { createLogger } from '../../core/logger.js';
import { slackSignatureHeaders } from '../fakes/slack/events-http.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/server.js';

const common = {
  enabled: true,
  dmPolicy: 'open',
  allowFrom: ['*'],
  groupPolicy: 'open',
  groupAllowFrom: [],
  groups: {},
  replyToMode: 'first',
  mediaMaxMb: 20,
} as const;

interface Started {
  handle: ChannelAccountHandle;
  received: ChannelInbound[];
  status: Partial<ChannelAccountStatus>;
  /** Make the next `receive` calls fail (the hand-over to Temporal failed). */
  failReceives(count: number): void;
  controller: AbortController;
}

let slack: FakeSlack;
const handles: ChannelAccountHandle[] = [];

async function start(
  account: Partial<SlackAccount> = {},
  registerHttpRoute?: (route: ChannelHttpRoute) => boolean,
): Promise<Started> {
  const received: ChannelInbound[] = [];
  const status: Partial<ChannelAccountStatus> = {};
  let failures = 0;
  const controller = new AbortController();
  const handle = await startSlackAccount({
    accountId: 'default',
    account: {
      ...common,
      allowFrom: [...common.allowFrom],
      groupAllowFrom: [],
      groups: {},
      mode: 'socket',
      botToken: slack.identity.botToken,
      appToken: slack.identity.appToken,
      webhookPath: '/slack/events',
      apiUrl: slack.apiUrl,
      ...account,
    },
    logger: createLogger('slack-test', 'warn'),
    signal: controller.signal,
    receive(message): Promise<InboundOutcome> {
      if (failures > 0) {
        failures -= 1;
        return Promise.reject(new Error('Temporal is not reachable'));
      }
      received.push(message);
      return Promise.resolve({
        status: 'accepted',
        sessionKey: 'k',
        runId: message.platformMessageId,
      });
    },
    setStatus: (patch) => Object.assign(status, patch),
    ...(registerHttpRoute ? { registerHttpRoute } : {}),
  });
  handles.push(handle);
  return {
    handle,
    received,
    status,
    failReceives: (count) => (failures = count),
    controller,
  };
}

function target(overrides: Partial<DeliveryTarget>): DeliveryTarget {
  return {
    channel: 'slack',
    accountId: 'default',
    chatType: 'direct',
    chatId: 'D1',
    platformMessageId: '1.000001',
    ...overrides,
  };
}

beforeAll(async () => {
  slack = await startFakeSlack({ ackTimeoutMs: 500 });
  slack.addConversation({ id: 'D0ALICE', type: 'im', name: 'U0ALICE' });
  slack.addConversation({ id: 'C0GENERAL', type: 'channel', name: 'general' });
  slack.addConversation({ id: 'G0TRIO', type: 'mpim', name: 'mpdm-alice--bob--bot-1' });
  slack.addUser('U0ALICE', 'alice');
});

afterEach(async () => {
  await Promise.all(handles.splice(0).map((handle) => handle.stop()));
});

afterAll(async () => {
  await slack.close();
});

describe('Slack adapter (Socket Mode)', () => {
  it('hands a direct message over, then acknowledges its envelope', async () => {
    const account = await start();
    expect(account.status.connected).toBe(true);
    expect(account.status.botName).toBe('clawdbot');
    const { ts, deliveries } = slack.userMessage({
      channel: 'D0ALICE',
      user: 'U0ALICE',
      text: 'hello &lt;there&gt; &amp; you',
    });
    const inbound = await slack.waitFor(() => account.received[0], 'the DM');
    expect(inbound).toMatchObject({
      accountId: 'default',
      chatType: 'direct',
      chatId: 'D0ALICE',
      senderId: 'U0ALICE',
      senderName: 'alice',
      text: 'hello <there> & you',
      platformMessageId: ts,
      mentioned: false,
    });
    expect(inbound.threadId).toBeUndefined();
    await slack.waitFor(
      () => slack.socketMode.envelopes.get(deliveries[0] ?? '')?.ackedAt,
      'the ack',
    );
  });

  it('leaves the envelope un-acknowledged when the hand-over fails, and takes the redelivery', async () => {
    const account = await start();
    account.failReceives(1);
    const { ts, deliveries } = slack.userMessage({
      channel: 'D0ALICE',
      user: 'U0ALICE',
      text: 'retry me',
    });
    const inbound = await slack.waitFor(() => account.received[0], 'the redelivered DM');
    expect(inbound.platformMessageId).toBe(ts);
    const envelope = slack.socketMode.envelopes.get(deliveries[0] ?? '');
    expect(envelope?.attempt).toBe(1);
    await slack.waitFor(() => envelope?.ackedAt, 'the ack of the redelivery');
    expect(account.received).toHaveLength(1);
  });

  it('hands a channel mention over once although Slack sends message and app_mention', async () => {
    const account = await start();
    const { ts, deliveries } = slack.userMessage({
      channel: 'C0GENERAL',
      user: 'U0ALICE',
      text: `<@${slack.identity.botUserId}> what is up?`,
    });
    expect(deliveries).toHaveLength(2);
    await slack.waitFor(
      () => deliveries.every((id) => slack.socketMode.envelopes.get(id)?.ackedAt) || undefined,
      'both acks',
    );
    expect(account.received).toHaveLength(1);
    expect(account.received[0]).toMatchObject({
      chatType: 'channel',
      chatId: 'C0GENERAL',
      text: 'what is up?',
      mentioned: true,
      platformMessageId: ts,
    });
  });

  it('sees a group DM as a group, a reply in a thread the bot answered in as a mention, and ignores its own posts', async () => {
    const account = await start();
    slack.userMessage({ channel: 'G0TRIO', user: 'U0ALICE', text: 'no mention here' });
    const group = await slack.waitFor(() => account.received[0], 'the group DM');
    expect(group).toMatchObject({ chatType: 'group', chatId: 'G0TRIO', mentioned: false });

    const parent = slack.userMessage({ channel: 'C0GENERAL', user: 'U0ALICE', text: 'top' });
    const reply = await account.handle.sendText({
      target: target({ chatType: 'channel', chatId: 'C0GENERAL', platformMessageId: parent.ts }),
      text: 'bot answer',
      formatted: true,
      deliveryId: 'r1:0',
    });
    // The bot's own post comes back as a message event; it must not be handed over.
    const botPost = slack.sent.find((entry) => entry.ts === reply.platformMessageId);
    expect(botPost?.threadTs).toBe(parent.ts);
    slack.userMessage({
      channel: 'C0GENERAL',
      user: 'U0ALICE',
      text: 'thanks bot',
      threadTs: parent.ts,
    });
    const threaded = await slack.waitFor(
      () => account.received.find((message) => message.text === 'thanks bot'),
      'the thread reply',
    );
    expect(threaded).toMatchObject({
      threadId: parent.ts,
      replyToMessageId: parent.ts,
      mentioned: true,
    });
    expect(account.received.map((message) => message.text)).toEqual([
      'no mention here',
      'top',
      'thanks bot',
    ]);
  });

  it('reconnects through apps.connections.open after the connection drops', async () => {
    const account = await start();
    const before = slack.socketMode.connectionCount;
    slack.socketMode.dropConnections();
    await slack.waitFor(() => slack.socketMode.openConnections === 0 || undefined, 'the drop');
    slack.userMessage({ channel: 'D0ALICE', user: 'U0ALICE', text: 'after the drop' });
    const inbound = await slack.waitFor(() => account.received[0], 'the DM after reconnecting');
    expect(inbound.text).toBe('after the drop');
    expect(slack.socketMode.connectionCount).toBeGreaterThan(before);
    await slack.waitFor(() => account.status.connected || undefined, 'connected again');
  });

  it('keeps trying when reconnecting is refused (app token revoked), and shows why', async () => {
    const account = await start();
    // Two refusals, then Slack takes the token again.
    slack.failNext('apps.connections.open', { kind: 'error', error: 'invalid_auth' }, 2);
    slack.socketMode.dropConnections();
    await slack.waitFor(
      () => account.status.lastError?.includes('invalid_auth') || undefined,
      'the refusal in the status',
    );
    expect(account.status.connected).toBe(false);
    slack.userMessage({ channel: 'D0ALICE', user: 'U0ALICE', text: 'back again' });
    const inbound = await slack.waitFor(() => account.received[0], 'the DM after reconnecting');
    expect(inbound.text).toBe('back again');
    expect(account.status).toMatchObject({ connected: true, lastError: undefined });
  });

  it('reconnects when Slack asks with a disconnect message', async () => {
    const account = await start();
    const before = slack.socketMode.connectionCount;
    slack.socketMode.requestReconnect('refresh_requested');
    await slack.waitFor(
      () =>
        (slack.socketMode.connectionCount > before && slack.socketMode.openConnections > 0) ||
        undefined,
      'a new connection',
    );
    slack.userMessage({ channel: 'D0ALICE', user: 'U0ALICE', text: 'on the new connection' });
    await slack.waitFor(() => account.received[0], 'the DM');
  });

  it('downloads a shared file with the bot token', async () => {
    const account = await start();
    slack.userMessage({
      channel: 'D0ALICE',
      user: 'U0ALICE',
      text: 'see attached',
      files: [{ name: 'notes.txt', mimetype: 'text/plain', bytes: Buffer.from('file body') }],
    });
    const inbound = await slack.waitFor(() => account.received[0], 'the file share');
    const attachment = inbound.attachments?.[0];
    expect(attachment).toMatchObject({ kind: 'file', fileName: 'notes.txt', size: 9 });
    const body = await attachment?.download();
    const chunks: Uint8Array[] = [];
    if (body instanceof Uint8Array) chunks.push(body);
    else if (body) for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('file body');
  });
});

describe('Slack adapter outbound', () => {
  it('answers a DM in the DM and a channel message in its thread, mrkdwn off for plain text', async () => {
    const account = await start();
    const dm = await account.handle.sendText({
      target: target({ chatId: 'D0ALICE' }),
      text: '*bold*',
      formatted: true,
      deliveryId: 'a:0',
    });
    const plain = await account.handle
      .sendText({
        target: target({ chatType: 'channel', chatId: 'C0GENERAL', threadId: '5.000001' }),
        text: '*literal*',
        formatted: false,
        deliveryId: 'a:1',
      })
      .catch((error: unknown) => error);
    // The thread does not exist in the fake workspace: Slack's own error, not retryable.
    expect(plain).toBeInstanceOf(ChannelSendError);
    expect((plain as ChannelSendError).message).toContain('thread_not_found');
    expect((plain as ChannelSendError).options.retryable).toBe(false);
    const sent = slack.sent.find((entry) => entry.ts === dm.platformMessageId);
    expect(sent).toMatchObject({ channel: 'D0ALICE', text: '*bold*', mrkdwn: true });
    expect(sent?.threadTs).toBeUndefined();
  });

  it('maps 429 to retryAfterMs, 5xx to retryable and Slack errors to final ones', async () => {
    const account = await start();
    const send = async (): Promise<ChannelSendError> => {
      try {
        await account.handle.sendText({
          target: target({ chatId: 'D0ALICE' }),
          text: 'x',
          formatted: true,
          deliveryId: 'e:0',
        });
      } catch (error) {
        return error as ChannelSendError;
      }
      throw new Error('the send should have failed');
    };
    slack.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 7 });
    expect((await send()).options).toMatchObject({
      retryable: true,
      retryAfterMs: 7000,
      status: 429,
    });
    slack.failNext('chat.postMessage', { kind: 'http', status: 503 });
    expect((await send()).options).toMatchObject({ retryable: true, status: 503 });
    slack.failNext('chat.postMessage', { kind: 'error', error: 'not_in_channel' });
    const final = await send();
    expect(final.options.retryable).toBe(false);
    expect(final.message).toBe('Slack chat.postMessage: not_in_channel');
  });

  it('uploads media into the thread with its caption, and edits a message', async () => {
    const account = await start();
    const dir = await mkdtemp(join(tmpdir(), 'slack-media-'));
    const file = join(dir, 'chart.png');
    await writeFile(file, Buffer.from('png bytes'));
    const parent = slack.userMessage({ channel: 'C0GENERAL', user: 'U0ALICE', text: 'graph?' });
    const channelTarget = target({
      chatType: 'channel',
      chatId: 'C0GENERAL',
      platformMessageId: parent.ts,
    });
    const media = await account.handle.sendMedia({
      target: channelTarget,
      source: file,
      kind: 'image',
      caption: 'here it is',
      deliveryId: 'm:0',
    });
    const upload = slack.sent.find((entry) => entry.method === 'files.completeUploadExternal');
    expect(upload).toMatchObject({
      channel: 'C0GENERAL',
      ts: media.platformMessageId,
      threadTs: parent.ts,
      text: 'here it is',
      files: [{ name: 'chart.png', bytes: 9 }],
    });
    const draft = await account.handle.sendText({
      target: channelTarget,
      text: 'draft',
      formatted: true,
      deliveryId: 'm:1',
    });
    await account.handle.editText?.(channelTarget, draft.platformMessageId, 'final');
    expect(slack.sent.at(-1)).toMatchObject({
      method: 'chat.update',
      ts: draft.platformMessageId,
      text: 'final',
    });
  });
});

describe('Slack adapter start-up failures', () => {
  it('refuses a bad bot token with Slack invalid_auth', async () => {
    await expect(start({ botToken: 'xoxb-wrong' })).rejects.toThrow(
      'Slack auth.test: invalid_auth',
    );
  });

  it('refuses a bad app token with Slack invalid_auth', async () => {
    await expect(start({ appToken: 'xapp-wrong' })).rejects.toThrow(
      'Slack apps.connections.open: invalid_auth',
    );
  });

  it('names what is missing', async () => {
    await expect(start({ mode: 'http', signingSecret: undefined })).rejects.toThrow(
      'channels.slack: signingSecret missing',
    );
  });
});

describe('Slack adapter (HTTP Events API)', () => {
  let server: Server;
  let route: ChannelHttpRoute | undefined;
  let requestUrl = '';

  beforeAll(async () => {
    // Stands in for the gateway's route dispatcher: raw body in, status and body out.
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (!route || request.url !== route.path) return void response.writeHead(404).end();
        route
          .handler({ headers: request.headers, rawBody: Buffer.concat(chunks), query: {} })
          .then(({ status, body }) => {
            response.writeHead(status, { 'content-type': 'application/json' });
            response.end(body === undefined ? '' : JSON.stringify(body));
          })
          .catch(() => response.writeHead(500).end());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    requestUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    slack.setRequestUrl(undefined);
    await new Promise((resolve) => server.close(resolve));
  });

  const startHttp = () =>
    start(
      { mode: 'http', appToken: undefined, signingSecret: slack.identity.signingSecret },
      (next) => {
        route = next;
        return true;
      },
    );

  it('answers the url_verification challenge and takes a signed event', async () => {
    const account = await startHttp();
    slack.setRequestUrl(requestUrl);
    expect(await slack.eventsHttp.verifyUrl()).toBe(true);
    const { ts } = slack.userMessage({ channel: 'D0ALICE', user: 'U0ALICE', text: 'over http' });
    const inbound = await slack.waitFor(() => account.received[0], 'the DM over HTTP');
    expect(inbound).toMatchObject({ text: 'over http', platformMessageId: ts, chatType: 'direct' });
    await slack.waitFor(
      () => slack.eventsHttp.deliveries.find((delivery) => delivery.status === 200),
      'the 200',
    );
  });

  it('refuses a request with a wrong signature', async () => {
    const account = await startHttp();
    slack.setRequestUrl(requestUrl);
    const body = JSON.stringify({ type: 'event_callback', event: { type: 'message' } });
    const response = await fetch(requestUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...slackSignatureHeaders('not-the-secret', body),
      },
      body,
    });
    expect(response.status).toBe(401);
    expect(account.received).toHaveLength(0);
  });

  it('answers 500 when the hand-over fails, and takes Slack retry (X-Slack-Retry-Num) once', async () => {
    const account = await startHttp();
    slack.setRequestUrl(requestUrl);
    account.failReceives(1);
    const before = slack.eventsHttp.deliveries.length;
    const { ts } = slack.userMessage({ channel: 'D0ALICE', user: 'U0ALICE', text: 'retried' });
    await sleep(0);
    const inbound = await slack.waitFor(() => account.received[0], 'the retried DM');
    expect(inbound.platformMessageId).toBe(ts);
    // The hand-over can finish before the fake has read the retry's HTTP answer.
    await slack.waitFor(
      () => slack.eventsHttp.deliveries.slice(before)[1]?.status,
      "the retry's answer",
    );
    const deliveries = slack.eventsHttp.deliveries.slice(before);
    expect(deliveries.map((delivery) => [delivery.retryNum, delivery.status])).toEqual([
      [0, 500],
      [1, 200],
    ]);
  });
});
