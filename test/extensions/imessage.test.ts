// iMessage end to end: the imessage plugin runs a fake `imsg rpc` (a node script speaking
// imsg's JSON-RPC over stdio, fed by the test) and talks to the real gateway with its
// channel manager and delivery worker, the agent worker, Temporal and the scripted LLM.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { imessageChannel } from '../../extensions/imessage/index.js';
import { startFakeImsg, type FakeImsg } from '../fakes/imessage/host.js';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

const agentId = 'imsgmain';
const alice = '+15550002001';
const bob = 'bob@example.com';
const stranger = '+15550002099';
const carol = '+15550002004';

let llm: FakeLlmServer;
let fake: FakeImsg;
let harness: ChannelGatewayHarness;

const sentTo = (chatId: number) => fake.sent.filter((sent) => sent.chat_id === chatId);
const waitForSent = (chatId: number, count = 1) =>
  fake.waitFor(() => sentTo(chatId).length >= count && sentTo(chatId));
const llmSaw = (text: string) => llm.requests.filter((request) => request.userText.includes(text));

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeImsg();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    plugins: [imessageChannel],
    config: {
      agent: { id: agentId },
      session: { dmScope: 'per-channel-peer' },
      security: { owners: [`imessage:${alice}`] },
    },
    channels: {
      imessage: {
        cliPath: fake.cliPath,
        dbPath: '/Users/bot/Library/Messages/chat.db',
        allowFrom: [alice, bob, carol],
        groupPolicy: 'open',
        mentionNames: ['Clawd'],
      },
    },
  });
  await fake.waitFor(() => fake.requests.some((request) => request.method === 'watch.subscribe'));
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

describe('imessage plugin, end to end', () => {
  it('runs imsg rpc with the database and answers a direct message', async () => {
    expect(fake.starts[0]).toEqual(['rpc', '--db', '/Users/bot/Library/Messages/chat.db']);
    expect(fake.requests.find((request) => request.method === 'watch.subscribe')!.params).toEqual({
      attachments: true,
    });
    const row = fake.userSends(alice, 'hello from imessage');
    const [reply] = await waitForSent(row.chat_id);
    expect(reply).toMatchObject({ chat_id: row.chat_id, text: 'echo: hello from imessage' });
  });

  it('runs one turn when imsg reports the same message twice', async () => {
    const row = fake.userSends(bob, 'only once please');
    fake.redeliver(row);
    await waitForSent(row.chat_id);
    fake.userSends(bob, 'next one');
    await waitForSent(row.chat_id, 2);
    expect(sentTo(row.chat_id).map((sent) => sent.text)).toEqual([
      'echo: only once please',
      'echo: next one',
    ]);
    expect(llmSaw('only once please')).toHaveLength(1);
  });

  it('gives an unknown sender a pairing code and no turn', async () => {
    const row = fake.userSends(stranger, 'who are you');
    const [reply] = await waitForSent(row.chat_id);
    expect(reply!.text).toContain('Pairing code:');
    expect(reply!.text).toContain(`imessageHandle: ${stranger}`);
    expect(llmSaw('who are you')).toHaveLength(0);
  });

  it('in a group chat answers only a message that names the bot', async () => {
    fake.userSends(carol, 'talking among ourselves', { chatId: 77, group: true });
    fake.userSends(carol, 'clawd, what time is it', { chatId: 77, group: true });
    const [reply] = await waitForSent(77);
    expect(reply!.text).toBe('echo: clawd, what time is it');
    expect(llmSaw('talking among ourselves')).toHaveLength(0);
  });

  it('restarts imsg when it dies and catches up on what arrived meanwhile', async () => {
    const subscribes = () =>
      fake.requests.filter((request) => request.method === 'watch.subscribe');
    const before = subscribes().length;
    fake.killChildren();
    await fake.waitFor(() => fake.children() === 0);
    const row = fake.userSends(alice, 'sent while imsg was down');
    await fake.waitFor(() => subscribes().length > before);
    const resumed = subscribes().at(-1)!;
    expect(resumed.params.since_rowid).toBeLessThan(row.id);
    const replies = await fake.waitFor(
      () =>
        sentTo(row.chat_id).some((sent) => sent.text === 'echo: sent while imsg was down') &&
        sentTo(row.chat_id),
    );
    expect(replies.filter((sent) => sent.text?.includes('imsg was down'))).toHaveLength(1);
  });

  it('gives the model an image and sends a file the model names with MEDIA:', async () => {
    const photo = Buffer.from('\u00ff\u00d8\u00ff imessage photo bytes');
    const photoPath = join(harness.paths.stateDir, 'mac-attachments', 'IMG_0001.jpeg');
    await mkdir(join(harness.paths.stateDir, 'mac-attachments'), { recursive: true });
    await writeFile(photoPath, photo);
    fake.userSends(alice, 'what is in this picture', {
      attachments: [
        {
          filename: photoPath,
          transfer_name: 'IMG_0001.jpeg',
          uti: 'public.jpeg',
          mime_type: 'image/jpeg',
          total_bytes: photo.length,
          is_sticker: false,
          original_path: photoPath,
          missing: false,
        },
      ],
    });
    await fake.waitFor(() => llmSaw('what is in this picture').length > 0);
    expect(JSON.stringify(llmSaw('what is in this picture')[0]!.body)).toContain(
      photo.toString('base64'),
    );

    const chart = join(harness.paths.workspaceDir, 'out', 'imsg-chart.png');
    await mkdir(join(harness.paths.workspaceDir, 'out'), { recursive: true });
    await writeFile(chart, Buffer.from('PNG chart bytes'));
    llm.scriptFor('send me the chart', [{ kind: 'text', text: `Here it is.\nMEDIA:${chart}` }]);
    const row = fake.userSends(alice, 'send me the chart');
    const withFile = await fake.waitFor(() => sentTo(row.chat_id).find((sent) => sent.file));
    expect(withFile.file).toMatch(/imsg-chart\.png$/);
    expect(await readFile(withFile.file!)).toEqual(Buffer.from('PNG chart bytes'));
  });
});
