/**
 * Speech out: the assistant's words rendered by the tts tool's engines (tts.provider, else
 * espeak-ng, OpenAI, ElevenLabs — as the tts tool chooses) into a file under
 * `<stateDir>/voice-call/audio/`, which Twilio fetches from the audio route and plays.
 * Twilio plays WAV and MP3, not Ogg: an Ogg result is converted with ffmpeg. With no
 * engine, or when rendering fails, Twilio's own <Say> speaks the text instead.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { renderElevenLabsSpeech } from '../../activities/tools/tts-elevenlabs.js';
import { runAudioProgram } from '../../activities/tools/tts-encode.js';
import { renderLocalSpeech } from '../../activities/tools/tts-local.js';
import { openAiSpeechKey, renderOpenAiSpeech } from '../../activities/tools/tts-openai.js';
import type { RenderedSpeech, SpeechRequest } from '../../activities/tools/tts-speech.js';
import type { Config } from '../../core/config/schema.js';
import type { Logger } from '../../core/logger.js';
import { createBinLookup } from '../../core/skills/path-bins.js';
import type { VoiceCallSettings } from './config.js';
import type { Speech } from './twiml.js';

/** Where rendered speech lives, and the URL path the audio route serves it at. */
export function audioDir(stateDir: string): string {
  return join(stateDir, 'voice-call', 'audio');
}

/** Audio file names are random (they are fetched without a signature) and nothing else. */
export const audioFileName = /^[0-9a-f]{32}\.(wav|mp3)$/;

type Engine = 'local' | 'openai' | 'elevenlabs';

function chooseEngine(config: Config, has: (bin: string) => boolean): Engine | undefined {
  if (config.tts.provider) return config.tts.provider;
  if (has('espeak-ng')) return 'local';
  if (openAiSpeechKey(config)) return 'openai';
  if (config.tts.elevenlabs.apiKey) return 'elevenlabs';
  return undefined;
}

function render(engine: Engine, request: SpeechRequest, config: Config): Promise<RenderedSpeech> {
  switch (engine) {
    case 'local':
      return renderLocalSpeech(request, config.tts.local);
    case 'openai':
      return renderOpenAiSpeech(request, config);
    case 'elevenlabs':
      return renderElevenLabsSpeech(request, config.tts.elevenlabs);
  }
}

/** What Twilio should do to say `text`: play a rendered file, or <Say> it. */
export async function prepareSpeech(options: {
  text: string;
  settings: VoiceCallSettings;
  config: Config;
  stateDir: string;
  logger: Logger;
  signal?: AbortSignal;
}): Promise<Speech> {
  const { text, settings, config, logger } = options;
  const say: Speech = { kind: 'say', text };
  if (settings.speech === 'say') return say;
  const bins = createBinLookup(() => process.env);
  const engine = chooseEngine(config, (bin) => bins.has(bin));
  if (!engine) return say;
  const dir = audioDir(options.stateDir);
  await mkdir(dir, { recursive: true });
  const id = randomBytes(16).toString('hex');
  try {
    // No encoders: the engines leave WAV or MP3 as they are (Ogg/Opus is for chat apps).
    const rendered = await render(
      engine,
      {
        text,
        outputBase: join(dir, `${id}.src`),
        encoders: { ffmpeg: false, opusenc: false },
        signal: options.signal ?? new AbortController().signal,
      },
      config,
    );
    const extension = /\.(wav|mp3)$/.exec(rendered.path)?.[1];
    const target = join(dir, `${id}.${extension ?? 'wav'}`);
    if (extension) await rename(rendered.path, target);
    else {
      // Twilio's <Play> takes WAV or MP3: 8 kHz mono is what the phone line carries anyway.
      await runAudioProgram(
        'ffmpeg',
        ['-y', '-loglevel', 'error', '-i', rendered.path, '-ar', '8000', '-ac', '1', target],
        options.signal ?? new AbortController().signal,
      );
    }
    return {
      kind: 'play',
      url: `${settings.publicUrl}/plugins/voice-call/audio?file=${basename(target)}`,
    };
  } catch (error) {
    logger.warn(
      `voice-call: ${engine} speech failed, Twilio <Say> speaks instead: ${(error as Error).message}`,
    );
    return say;
  }
}
