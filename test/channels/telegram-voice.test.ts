// A spoken reply on Telegram: the model calls tts, espeak-ng renders OGG/Opus in the
// workspace, and the reply reaches the fake Bot API as sendVoice — although the model's
// own text never names the file. Real grammy, gateway, worker, Temporal and scripted LLM.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/llm-server.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram/server.js';
import { startChannelGateway, type ChannelGatewayHarness } from '../helpers/channel-harness.js';

const run = promisify(execFile);
// Session keys are unique to this file: every test file shares one Temporal server.
const agentId = 'tgvoice';
const owner = { id: 7101, first_name: 'Vera', username: 'vera' };

let llm: FakeLlmServer;
let fake: FakeTelegram;
let harness: ChannelGatewayHarness;

beforeAll(async () => {
  llm = await startFakeLlmServer({ apiKeys: ['test-key'] });
  fake = await startFakeTelegram();
  harness = await startChannelGateway({
    temporalAddress: inject('temporalAddress'),
    llm,
    config: {
      agent: { id: agentId },
      session: { dmScope: 'per-channel-peer' },
      security: { owners: [`telegram:${owner.id}`] },
      tts: { provider: 'local' },
    },
    channels: {
      telegram: { apiRoot: fake.apiRoot, allowFrom: [owner.id], botToken: fake.token },
    },
  });
});

afterAll(async () => {
  await harness?.close();
  await fake?.close();
  await llm?.close();
});

/** Seconds of audio in OGG/Opus bytes: decoded by opusdec, measured by sox. */
async function secondsOf(bytes: Buffer): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'voice-'));
  try {
    await writeFile(join(dir, 'voice.ogg'), bytes);
    await run('opusdec', ['--quiet', join(dir, 'voice.ogg'), join(dir, 'voice.wav')]);
    const { stdout } = await run('soxi', ['-D', join(dir, 'voice.wav')]);
    return Number(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('tts on telegram', () => {
  it('delivers the spoken answer as a voice message next to the text', async () => {
    llm.scriptFor('read me a goodnight', [
      {
        kind: 'tool_calls',
        calls: [{ name: 'tts', arguments: { text: 'Good night. Sleep well.' } }],
      },
      { kind: 'text', text: 'Here it is, read aloud.' },
    ]);
    fake.userSends({ from: owner, text: 'read me a goodnight wish' });
    const voice = await fake.waitFor(() =>
      fake.sent.find((sent) => sent.method === 'sendVoice' && sent.chatId === owner.id),
    );
    const text = await fake.waitFor(() =>
      fake.sent.find((sent) => sent.method === 'sendMessage' && sent.chatId === owner.id),
    );
    expect(text.text).toBe('Here it is, read aloud.');
    const file = voice.file as { fileName: string; bytes: Buffer };
    expect(file.fileName).toMatch(/^speech-[0-9a-f]{16}\.ogg$/);
    const head = file.bytes.subarray(0, 64).toString('latin1');
    expect(head.startsWith('OggS') && head.includes('OpusHead')).toBe(true);
    expect(await secondsOf(file.bytes)).toBeGreaterThan(0.5);
    // Sent once: not also as an audio file or a document.
    const others = fake.sent.filter(
      (sent) => sent.chatId === owner.id && /^send(Audio|Document)$/.test(sent.method),
    );
    expect(others).toEqual([]);
  });
});
