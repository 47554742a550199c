// WhatsApp (bundled plugin) end to end: the channel against the fake Cloud API, webhook
// calls signed as Meta signs them, the real gateway with its channel manager and delivery
// worker, the agent worker, Temporal and the scripted LLM — all in this process.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { builtInChannels } from '../../channels/index.js';
import { whatsappChannel } from '../../extensions/whatsapp/index.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import {
  startFakeWhatsApp,
  type FakeWhatsApp,
  type WhatsAppSent,
} from '../fakes/whatsapp/server.js';
import {
  notification,
  postNotification,
  userMessage,
  verifySubscription,
  type WhatsAppInboundMessage,
} from '../fakes/whatsapp/webhook-sender.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

const agentId = 'whatsapp-main';
const appSecret = 'whatsapp-app-secret-for-tests';
const verifyToken = 'whatsapp-verify-token-for-tests';

let llm: FakeLlmServer;
let fake: FakeWhatsApp;
let harness: ChannelGatewayHarness;
let webhookUrl: string;

// wa_ids are phone numbers in international form without "+".
const user = (n: number) => `4915550${String(n).padStart(5, '0')}`;
const sentTo = (to: string) => fake.sent.filter((sent) => sent.to === to);
const textsTo = (to: string) => sentTo(to).map((sent) => sent.body.text?.body);
const llmSaw = (text: string) => llm.requests.filter((request) => request.userText.includes(text));
const waitForSent = (to: string, count = 1): Promise<WhatsAppSent[]> =>
  fake.waitFor(() => sentTo(to).length >= count && sentTo(to));

const deliver = (...messages: WhatsAppInboundMessage[]) =>
  postNotification(webhookUrl, appSecret, notification(fake.phoneNumberId, messages));

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeWhatsApp();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [...builtInChannels, whatsappChannel],
    config: {
      agent: { id: agentId },
      session: { dmScope: 'per-channel-peer' },
      // The owner's replies may send files of the owner's workspace.
      security: { owners: [`whatsapp:${user(6)}`] },
    },
    channels: {
      whatsapp: {
        accessToken: fake.accessToken,
        phoneNumberId: fake.phoneNumberId,
        appSecret,
        verifyToken,
        apiBaseUrl: fake.url,
        allowFrom: [1, 2, 3, 4, 5, 6].map(user),
        // whatsapp_actions may react and send templates, not mark messages read.
        actions: { read: false },
      },
    },
  });
  webhookUrl = `${harness.url}/whatsapp/webhook`;
  // The webhook routes exist once the account has started.
  while ((await verifySubscription(webhookUrl, verifyToken, 'ready')).status !== 200) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('whatsapp plugin channel, end to end', () => {
  it('answers Meta’s subscription check only with the right verify token', async () => {
    expect(await verifySubscription(webhookUrl, verifyToken, '1158201444')).toEqual({
      status: 200,
      text: '1158201444',
    });
    const wrong = await verifySubscription(webhookUrl, 'not-the-token', '42');
    expect(wrong.status).toBe(403);
    expect(wrong.text).not.toContain('42');
  });

  it('answers a message, quoting it, with a read receipt while it works', async () => {
    const message = userMessage(user(1), 'text', { body: 'hello from whatsapp' });
    expect(await deliver(message)).toBe(200);
    const [reply] = await waitForSent(user(1));
    expect(reply!.body).toMatchObject({
      messaging_product: 'whatsapp',
      to: user(1),
      type: 'text',
      text: { body: 'echo: hello from whatsapp' },
      context: { message_id: message.id },
    });
    expect(fake.readReceipts).toContain(message.id);
  });

  it('refuses a notification with a bad X-Hub-Signature-256: 401 and no turn', async () => {
    const forged = notification(fake.phoneNumberId, [
      userMessage(user(2), 'text', { body: 'forged message' }),
    ]);
    expect(await postNotification(webhookUrl, appSecret, forged, { signature: 'sha256=00' })).toBe(
      401,
    );
    expect(await postNotification(webhookUrl, 'another-secret', forged)).toBe(401);
    await deliver(userMessage(user(2), 'text', { body: 'an honest one' }));
    await waitForSent(user(2));
    expect(llmSaw('forged message')).toHaveLength(0);
    expect(textsTo(user(2))).toEqual(['echo: an honest one']);
  });

  it('runs one turn when Meta delivers the same wamid again', async () => {
    const message = userMessage(user(3), 'text', { body: 'only once please' });
    await deliver(message);
    await deliver(message);
    await waitForSent(user(3));
    await deliver(userMessage(user(3), 'text', { body: 'next one' }));
    await waitForSent(user(3), 2);
    expect(textsTo(user(3))).toEqual(['echo: only once please', 'echo: next one']);
    expect(llmSaw('only once please')).toHaveLength(1);
  });

  it('gives an unknown sender one pairing code and no turn; once approved, answers', async () => {
    const stranger = '4915559999999';
    await deliver(userMessage(stranger, 'text', { body: 'let me in' }));
    const [pairing] = await waitForSent(stranger);
    const code = /\b[A-HJ-NP-Z2-9]{8}\b/.exec(pairing!.body.text?.body ?? '')?.[0];
    expect(code).toBeDefined();
    expect(pairing!.body.text?.body).toContain(`whatsappId: ${stranger}`);
    await deliver(userMessage(stranger, 'text', { body: 'hello?' }));
    expect(llmSaw('let me in')).toHaveLength(0);

    const approved = (await harness.call('pairing.approve', { channel: 'whatsapp', code })) as {
      senderId: string;
      notified: boolean;
    };
    expect(approved).toMatchObject({ senderId: stranger, notified: true });
    await waitForSent(stranger, 2);
    await deliver(userMessage(stranger, 'text', { body: 'now answer me' }));
    const all = await fake.waitFor(
      () => textsTo(stranger).includes('echo: now answer me') && textsTo(stranger),
    );
    expect(all).toHaveLength(3);
    expect(llmSaw('let me in')).toHaveLength(0);
  });

  it('splits a long reply into messages of at most 4000 characters in WhatsApp markup', async () => {
    const paragraphs = Array.from(
      { length: 60 },
      (_, index) =>
        `Paragraph ${index + 1}: ${'the quick brown fox **jumps** over the lazy dog. '.repeat(3)}`,
    );
    llm.scriptFor('write a lot', [{ kind: 'text', text: paragraphs.join('\n\n') }]);
    await deliver(userMessage(user(4), 'text', { body: 'write a lot' }));
    const replies = await fake.waitFor(() => {
      const all = textsTo(user(4));
      return all.some((text) => text?.includes('Paragraph 60:')) && all;
    });
    expect(replies.length).toBeGreaterThanOrEqual(3);
    for (const piece of replies) expect(piece!.length).toBeLessThanOrEqual(4000);
    const text = replies.join('\n');
    expect(text).not.toContain('**');
    expect(text).toContain('*jumps*');
    const numbers = [...text.matchAll(/Paragraph (\d+):/g)].map((match) => Number(match[1]));
    expect(numbers).toEqual(paragraphs.map((_, index) => index + 1));
    // Only the first piece quotes the question (replyToMode "first").
    const pieces = sentTo(user(4));
    expect(pieces[0]!.body.context).toBeDefined();
    expect(pieces.slice(1).every((piece) => piece.body.context === undefined)).toBe(true);
  });

  it('downloads an image and a document by media id for the model', async () => {
    const photo = Buffer.from('\u00ff\u00d8\u00ff whatsapp photo bytes');
    const photoId = fake.addUserMedia(photo, 'image/jpeg');
    await deliver(
      userMessage(user(5), 'image', { id: photoId, mime_type: 'image/jpeg', caption: 'my cat' }),
    );
    await waitForSent(user(5));
    const saw = llmSaw('my cat')[0];
    expect(JSON.stringify(saw?.body)).toContain(photo.toString('base64'));

    const pdf = Buffer.from('%PDF-1.4 quarterly numbers');
    const pdfId = fake.addUserMedia(pdf, 'application/pdf');
    await deliver(
      userMessage(user(5), 'document', {
        id: pdfId,
        mime_type: 'application/pdf',
        filename: 'q3-report.pdf',
        caption: 'read this',
      }),
    );
    await waitForSent(user(5), 2);
    const saved = /\[attachment: ([^\]]*q3-report[^\]]*\.pdf)\]/.exec(
      llmSaw('read this')[0]?.userText ?? '',
    )?.[1];
    expect(saved).toBeDefined();
    expect(await readFile(saved!)).toEqual(pdf);
  });

  it('uploads a workspace file the reply names with MEDIA: and sends it by media id', async () => {
    const chart = join(harness.paths.workspaceDir, 'out', 'chart.png');
    await mkdir(join(harness.paths.workspaceDir, 'out'), { recursive: true });
    await writeFile(chart, Buffer.from('PNG chart bytes'));
    llm.scriptFor('send me the chart', [{ kind: 'text', text: `Here it is.\nMEDIA:${chart}` }]);
    await deliver(userMessage(user(6), 'text', { body: 'send me the chart' }));
    const sent = await waitForSent(user(6), 2);
    expect(sent[0]!.body.text?.body).toBe('Here it is.');
    const image = sent[1]!;
    expect(image.type).toBe('image');
    const mediaId = (image.body.image as { id: string }).id;
    expect(fake.uploads.get(mediaId)).toMatchObject({
      mimeType: 'image/png',
      fileName: 'chart.png',
      bytes: Buffer.from('PNG chart bytes'),
    });
  });

  it('whatsapp_actions (from the plugin) reacts and sends a template; markRead is refused while actions.read is off', async () => {
    const owner = user(6);
    const first = userMessage(owner, 'text', { body: 'keep this in mind' });
    expect(await deliver(first)).toBe(200);
    await fake.waitFor(() => textsTo(owner).includes('echo: keep this in mind'));
    llm.scriptFor('act on whatsapp', [
      {
        kind: 'tool_calls',
        calls: [
          {
            name: 'whatsapp_actions',
            arguments: { action: 'react', to: owner, messageId: first.id, emoji: '👍' },
          },
          {
            name: 'whatsapp_actions',
            arguments: {
              action: 'sendTemplate',
              to: owner,
              template: 'order_update',
              language: 'en_US',
              parameters: ['42'],
            },
          },
          { name: 'whatsapp_actions', arguments: { action: 'markRead', messageId: first.id } },
        ],
      },
      { kind: 'text', text: 'acted on whatsapp' },
    ]);
    expect(await deliver(userMessage(owner, 'text', { body: 'act on whatsapp' }))).toBe(200);
    await fake.waitFor(() => textsTo(owner).includes('acted on whatsapp'));
    const ofType = (type: string) => sentTo(owner).filter((sent) => sent.type === type);
    expect(ofType('reaction').map((sent) => sent.body.reaction)).toEqual([
      { message_id: first.id, emoji: '👍' },
    ]);
    expect(ofType('template').map((sent) => sent.body.template)).toEqual([
      {
        name: 'order_update',
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: '42' }] }],
      },
    ]);
    const results = llm.requests
      .filter((request) => request.userText.includes('act on whatsapp'))
      .flatMap((request) => request.toolResults);
    expect(results[2]).toContain('channels.whatsapp.actions.read: true');
  });
});
