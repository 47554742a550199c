/**
 * The `openai` tts engine: `POST {baseUrl}/v1/audio/speech` (OpenAI, or any server that
 * speaks the same API), asking for Opus, which OpenAI sends in an Ogg container.
 */
import type { Config } from '../../core/config/schema.js';
import { fetchSpeech, storeSpeech, type RenderedSpeech, type SpeechRequest } from './tts-speech.js';

/** Where the speech API lives unless tts.openai.baseUrl says otherwise. */
export const openAiSpeechDefaultBaseUrl = 'https://api.openai.com';

/** The key the openai engine would use: its own, else the OpenAI provider's. */
export function openAiSpeechKey(config: Config): string | undefined {
  return config.tts.openai.apiKey ?? config.providers.openai.apiKey;
}

/** Speak `request.text` through an OpenAI-compatible speech endpoint. */
export async function renderOpenAiSpeech(
  request: SpeechRequest,
  config: Config,
): Promise<RenderedSpeech> {
  const settings = config.tts.openai;
  // Both spellings are common in configs: with and without the /v1 the path adds.
  const base = (settings.baseUrl ?? openAiSpeechDefaultBaseUrl)
    .replace(/\/+$/, '')
    .replace(/\/v1$/, '');
  const key = openAiSpeechKey(config);
  const audio = await fetchSpeech(
    'The speech server',
    `${base}/v1/audio/speech`,
    {
      headers: key ? { authorization: `Bearer ${key}` } : {},
      body: JSON.stringify({
        model: settings.model,
        input: request.text,
        voice: settings.voice,
        response_format: 'opus',
      }),
    },
    request.signal,
  );
  const stored = await storeSpeech(audio, request);
  return { ...stored, engine: `openai ${settings.model}`, voice: settings.voice };
}
