// The tts tool with real engines: espeak-ng and ffmpeg on this host, and the OpenAI and
// ElevenLabs APIs as a fake on 127.0.0.1. The files are measured with opus-tools and sox.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../core/config/schema.js';
import { startFakeSpeechServer, type FakeSpeechServer } from '../../test/fakes/speech-server.js';
import { runTool, type ToolContext } from './tool.js';
import { ttsTool } from './tts.js';

const run = promisify(execFile);
const KEY = 'speech-key-123';

let speech: FakeSpeechServer;
let workspace: string;
beforeAll(async () => {
  speech = await startFakeSpeechServer(KEY);
  workspace = await mkdtemp(join(tmpdir(), 'tts-test-'));
});
afterAll(async () => {
  await speech.close();
  await rm(workspace, { recursive: true, force: true });
});

let calls = 0;
function context(config: ConfigInput = {}, toolCallId = `call-${++calls}`): ToolContext {
  return {
    workspaceDir: workspace,
    sessionKey: 'tts-test',
    runId: 'run-tts',
    toolCallId,
    signal: new AbortController().signal,
    heartbeat: () => {},
    config: configSchema.parse(config),
  };
}

/** What an OGG/Opus file holds, measured: decoded to WAV by opusdec, then read by sox. */
async function measureOggOpus(path: string) {
  const bytes = await readFile(path);
  const head = bytes.subarray(0, 64).toString('latin1');
  const wav = `${path}.check.wav`;
  await run('opusdec', ['--quiet', path, wav]);
  const { stdout: seconds } = await run('soxi', ['-D', wav]);
  const { stdout: type } = await run('soxi', ['-t', wav]);
  await rm(wav);
  return {
    ogg: head.startsWith('OggS'),
    opus: head.includes('OpusHead'),
    seconds: Number(seconds),
    type: type.trim(),
  };
}

describe('tts', () => {
  it('speaks with espeak-ng by default and returns an OGG/Opus file as a MEDIA: line', async () => {
    const short = await runTool(ttsTool, { text: 'Hi.' }, context());
    const long = await runTool(
      ttsTool,
      { text: 'Good morning. The weather today is sunny, with a light breeze from the west.' },
      context(),
    );
    expect(long.isError).toBeUndefined();
    const path = long.media![0]!;
    expect(path.startsWith(join(workspace, 'tts'))).toBe(true);
    expect(path.endsWith('.ogg')).toBe(true);
    expect(long.text).toContain(`MEDIA:${path}`);
    expect(long.text).toContain('local espeak-ng');
    const measured = await measureOggOpus(path);
    expect(measured).toMatchObject({ ogg: true, opus: true, type: 'wav' });
    expect(measured.seconds).toBeGreaterThan(0);
    // The longer sentence really is spoken: it lasts longer than a single word.
    const shortSeconds = (await measureOggOpus(short.media![0]!)).seconds;
    expect(measured.seconds).toBeGreaterThan(shortSeconds * 2);
  });

  it('writes the same file again when a call is retried', async () => {
    const first = await runTool(ttsTool, { text: 'Once.' }, context({}, 'call-retried'));
    const again = await runTool(ttsTool, { text: 'Once.' }, context({}, 'call-retried'));
    expect(again.media).toEqual(first.media);
    const files = (await readdir(join(workspace, 'tts'))).filter((name) => !name.endsWith('.wav'));
    expect(new Set(files).size).toBe(files.length);
  });

  it('asks an OpenAI-compatible server for Opus and stores what it sends', async () => {
    const result = await runTool(
      ttsTool,
      { text: 'Hello from the speech server.' },
      context({
        tts: {
          provider: 'openai',
          openai: { baseUrl: `${speech.url}/v1`, apiKey: KEY, voice: 'nova' },
        },
      }),
    );
    expect(result.isError).toBeUndefined();
    const call = speech.calls.at(-1)!;
    expect(call).toMatchObject({
      api: 'openai',
      path: '/v1/audio/speech',
      body: {
        model: 'gpt-4o-mini-tts',
        input: 'Hello from the speech server.',
        voice: 'nova',
        response_format: 'opus',
      },
    });
    expect(call.headers.authorization).toBe(`Bearer ${KEY}`);
    const measured = await measureOggOpus(result.media![0]!);
    expect(measured).toMatchObject({ ogg: true, opus: true });
    expect(measured.seconds).toBeGreaterThan(0.9);
  });

  it('tells the model when the speech server refuses the key', async () => {
    const result = await runTool(
      ttsTool,
      { text: 'Nobody hears this.' },
      context({
        tts: { provider: 'openai', openai: { baseUrl: speech.url, apiKey: 'wrong-key-1' } },
      }),
    );
    expect(result).toMatchObject({ isError: true, details: { code: 'TTS_FAILED', status: 401 } });
    expect(result.text).toContain('Incorrect API key');
  });

  it('speaks through ElevenLabs with xi-api-key and converts its MP3 to OGG/Opus', async () => {
    const result = await runTool(
      ttsTool,
      { text: 'Hello from ElevenLabs.' },
      context({
        tts: {
          provider: 'elevenlabs',
          elevenlabs: { baseUrl: speech.url, apiKey: KEY, voiceId: 'voice-7' },
        },
      }),
    );
    expect(result.isError).toBeUndefined();
    const call = speech.calls.at(-1)!;
    expect(call).toMatchObject({
      api: 'elevenlabs',
      path: '/v1/text-to-speech/voice-7?output_format=mp3_44100_128',
      body: { text: 'Hello from ElevenLabs.', model_id: 'eleven_multilingual_v2' },
    });
    expect(call.headers['xi-api-key']).toBe(KEY);
    const measured = await measureOggOpus(result.media![0]!);
    expect(measured).toMatchObject({ ogg: true, opus: true });
    expect(measured.seconds).toBeGreaterThan(0.9);
  });

  it('refuses a text over tts.maxChars and ElevenLabs without a key, with stable codes', async () => {
    const long = await runTool(
      ttsTool,
      { text: 'x'.repeat(50) },
      context({ tts: { maxChars: 10 } }),
    );
    expect(long).toMatchObject({ isError: true, details: { code: 'TEXT_TOO_LONG' } });
    const keyless = await runTool(
      ttsTool,
      { text: 'hi' },
      context({ tts: { provider: 'elevenlabs' } }),
    );
    expect(keyless).toMatchObject({ isError: true, details: { code: 'TTS_NOT_CONFIGURED' } });
  });
});
