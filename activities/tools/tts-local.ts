/**
 * The `local` tts engine: espeak-ng on this host renders WAV, converted to OGG/Opus. No
 * network, no key; robotic, but always there once `espeak-ng` is installed.
 */
import { rm } from 'node:fs/promises';
import type { TtsConfig } from '../../core/config/media-schema.js';
import { encodeOggOpus, runAudioProgram } from './tts-encode.js';
import type { RenderedSpeech, SpeechRequest } from './tts-speech.js';

/** Speak `request.text` with espeak-ng. */
export async function renderLocalSpeech(
  request: SpeechRequest,
  settings: TtsConfig['local'],
): Promise<RenderedSpeech> {
  const wav = `${request.outputBase}.wav`;
  const args = ['-v', settings.voice, '-s', String(settings.rate), '-w', wav, '--stdin'];
  await runAudioProgram('espeak-ng', args, request.signal, request.text);
  const engine = 'local espeak-ng';
  if (!request.encoders.ffmpeg && !request.encoders.opusenc)
    return { path: wav, format: 'wav', engine, voice: settings.voice };
  const path = `${request.outputBase}.ogg`;
  try {
    await encodeOggOpus(wav, path, request.encoders, request.signal);
  } finally {
    await rm(wav, { force: true });
  }
  return { path, format: 'ogg-opus', engine, voice: settings.voice };
}
