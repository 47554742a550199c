/**
 * What every tts engine shares: the request it gets, the file it leaves, and how speech
 * bytes that came over HTTP become that file (OGG/Opus whenever this host can make it).
 */
import { rm, writeFile } from 'node:fs/promises';
import { encodeOggOpus, type Encoders } from './tts-encode.js';
import { ToolError } from './tool.js';

/** One rendering: the text and where its file goes. */
export interface SpeechRequest {
  text: string;
  /** Absolute path of the file to write, without extension (the engine adds `.ogg`, ...). */
  outputBase: string;
  encoders: Encoders;
  signal: AbortSignal;
}

/** The file an engine wrote. */
export interface RenderedSpeech {
  path: string;
  /** `ogg-opus` when it is a voice-message file, else the container (`mp3`, `wav`, ...). */
  format: string;
  /** Engine and voice, for the tool's answer. */
  engine: string;
  voice: string;
}

/** How long a speech server may take to answer. */
export const SPEECH_TIMEOUT_MS = 90_000;

const EXTENSION_BY_TYPE: Record<string, string> = {
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/aac': 'aac',
  'audio/flac': 'flac',
  'audio/ogg': 'ogg',
  'audio/opus': 'ogg',
  'audio/webm': 'webm',
};

function isOggOpus(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 64)).toString('latin1');
  return head.startsWith('OggS') && head.includes('OpusHead');
}

/**
 * POST to a speech server and return the audio bytes. A refusal the user must fix (bad
 * key, unknown voice: 4xx) is a TTS_FAILED the model reports; 429 and 5xx are thrown as
 * plain errors so the activity retries them.
 */
export async function fetchSpeech(
  service: string,
  url: string,
  init: { headers: Record<string, string>; body: string },
  signal: AbortSignal,
): Promise<{ bytes: Uint8Array; contentType: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.body,
    signal: AbortSignal.any([signal, AbortSignal.timeout(SPEECH_TIMEOUT_MS)]),
  });
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).slice(0, 300).trim();
    const message = `${service} answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`;
    if (response.status === 429 || response.status >= 500) throw new Error(message);
    throw new ToolError('TTS_FAILED', message, { service, status: response.status });
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength === 0) throw new ToolError('TTS_FAILED', `${service} sent no audio.`);
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  return { bytes, contentType: contentType.toLowerCase() };
}

/**
 * Store downloaded speech as OGG/Opus: as it is when it already is, else converted (when
 * an encoder is installed; without one the original file is kept and sent as audio).
 */
export async function storeSpeech(
  audio: { bytes: Uint8Array; contentType: string },
  request: SpeechRequest,
): Promise<{ path: string; format: string }> {
  if (isOggOpus(audio.bytes)) {
    const path = `${request.outputBase}.ogg`;
    await writeFile(path, audio.bytes);
    return { path, format: 'ogg-opus' };
  }
  const extension = EXTENSION_BY_TYPE[audio.contentType] ?? 'mp3';
  const original = `${request.outputBase}.${extension === 'ogg' ? 'src.ogg' : extension}`;
  await writeFile(original, audio.bytes);
  if (!request.encoders.ffmpeg) return { path: original, format: extension };
  const path = `${request.outputBase}.ogg`;
  await encodeOggOpus(original, path, request.encoders, request.signal);
  await rm(original, { force: true });
  return { path, format: 'ogg-opus' };
}
