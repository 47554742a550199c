/**
 * The `elevenlabs` tts engine: `POST {baseUrl}/v1/text-to-speech/{voiceId}` with the
 * `xi-api-key` header, MP3 out, converted to OGG/Opus here.
 */
import type { TtsConfig } from '../../core/config/media-schema.js';
import { fetchSpeech, storeSpeech, type RenderedSpeech, type SpeechRequest } from './tts-speech.js';
import { ToolError } from './tool.js';

/** Speak `request.text` with an ElevenLabs voice. */
export async function renderElevenLabsSpeech(
  request: SpeechRequest,
  settings: TtsConfig['elevenlabs'],
): Promise<RenderedSpeech> {
  if (!settings.apiKey)
    throw new ToolError(
      'TTS_NOT_CONFIGURED',
      'tts.provider is elevenlabs but no key is set: set ELEVENLABS_API_KEY or tts.elevenlabs.apiKey.',
    );
  const base = settings.baseUrl.replace(/\/+$/, '');
  const url = `${base}/v1/text-to-speech/${encodeURIComponent(settings.voiceId)}?output_format=mp3_44100_128`;
  const audio = await fetchSpeech(
    'ElevenLabs',
    url,
    {
      headers: { 'xi-api-key': settings.apiKey, accept: 'audio/mpeg' },
      body: JSON.stringify({ text: request.text, model_id: settings.modelId }),
    },
    request.signal,
  );
  const stored = await storeSpeech(
    { bytes: audio.bytes, contentType: audio.contentType || 'audio/mpeg' },
    request,
  );
  return { ...stored, engine: `elevenlabs ${settings.modelId}`, voice: settings.voiceId };
}
