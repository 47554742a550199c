/**
 * The `tts` tool: text → an audio file in the workspace, handed to the channel layer as a
 * `MEDIA:` file of the reply (Telegram shows OGG/Opus as a voice message). The engine is
 * `tts.provider`, or the first usable of espeak-ng, OpenAI, ElevenLabs.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { z } from 'zod';
import type { Config } from '../../core/config/schema.js';
import { configSchema } from '../../core/config/schema.js';
import { createBinLookup } from '../../core/skills/path-bins.js';
import { defineTool, ToolError, type ToolContext } from './tool.js';
import { renderElevenLabsSpeech } from './tts-elevenlabs.js';
import type { Encoders } from './tts-encode.js';
import { renderLocalSpeech } from './tts-local.js';
import { openAiSpeechKey, renderOpenAiSpeech } from './tts-openai.js';
import type { RenderedSpeech, SpeechRequest } from './tts-speech.js';

/** The config's defaults, for a context without config: the schema stays their one source. */
const DEFAULT_CONFIG = configSchema.parse({});

/** Where spoken files go, inside the workspace (so MEDIA: may send them). */
const OUTPUT_DIR = 'tts';

const inputSchema = z.object({
  text: z.string().min(1).describe('What to say, as plain sentences (no Markdown).'),
});

type Engine = NonNullable<Config['tts']['provider']>;

/** The configured engine, or the first one this host can use. */
function chooseEngine(config: Config, espeak: boolean): Engine {
  if (config.tts.provider) return config.tts.provider;
  if (espeak) return 'local';
  if (openAiSpeechKey(config)) return 'openai';
  if (config.tts.elevenlabs.apiKey) return 'elevenlabs';
  throw new ToolError(
    'TTS_NOT_CONFIGURED',
    'No speech engine: espeak-ng is not installed (apt-get install espeak-ng ffmpeg) and no ' +
      'OpenAI or ElevenLabs key is set. Set tts.provider and its settings.',
  );
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

/**
 * The file's name comes from the call: a retried attempt writes the same file again
 * instead of leaving a second one behind.
 */
function outputBase(context: ToolContext): string {
  const id = createHash('sha256').update(`${context.runId}\n${context.toolCallId}`).digest('hex');
  return join(context.workspaceDir, OUTPUT_DIR, `speech-${id.slice(0, 16)}`);
}

/** Text to speech, delivered as an audio file with the reply. */
export const ttsTool = defineTool({
  name: 'tts',
  description:
    'Say something aloud: turns text into speech and sends it to the user with your reply ' +
    '(a voice message on Telegram, an audio file elsewhere). Use it when the user asks for ' +
    'audio or a voice answer. The audio is attached to your reply automatically; do not ' +
    'repeat its MEDIA: line, and keep your written reply short.',
  inputSchema,
  // Writes into the workspace, on the session's host; the same input renders the same file.
  policy: {
    startToCloseTimeoutMs: 180_000,
    heartbeatTimeoutMs: 120_000,
    maximumAttempts: 3,
    idempotent: true,
    hostBound: true,
  },
  async execute(input, context) {
    const config = context.config ?? DEFAULT_CONFIG;
    const text = input.text.trim();
    if (text.length > config.tts.maxChars) {
      throw new ToolError(
        'TEXT_TOO_LONG',
        `The text is ${text.length} characters; tts speaks at most ${config.tts.maxChars} ` +
          '(tts.maxChars). Shorten it or split it into several calls.',
        { length: text.length, maxChars: config.tts.maxChars },
      );
    }
    const bins = createBinLookup(() => process.env);
    const encoders: Encoders = { ffmpeg: bins.has('ffmpeg'), opusenc: bins.has('opusenc') };
    const engine = chooseEngine(config, bins.has('espeak-ng'));
    if (engine === 'local' && !bins.has('espeak-ng')) {
      throw new ToolError(
        'TTS_NOT_CONFIGURED',
        'tts.provider is local but espeak-ng is not installed on this host (apt-get install espeak-ng).',
      );
    }
    const base = outputBase(context);
    await mkdir(join(context.workspaceDir, OUTPUT_DIR), { recursive: true });
    context.heartbeat({ stage: 'rendering', engine });
    const speech = await render(
      engine,
      { text, outputBase: base, encoders, signal: context.signal },
      config,
    );
    const shown = relative(context.workspaceDir, speech.path);
    return {
      text:
        `Spoke ${text.length} characters with ${speech.engine} (voice ${speech.voice}) into ` +
        `${shown} (${speech.format === 'ogg-opus' ? 'OGG/Opus' : speech.format}); it is sent ` +
        `with your reply.\nMEDIA:${speech.path}`,
      media: [speech.path],
      details: {
        path: speech.path,
        format: speech.format,
        engine: speech.engine,
        voice: speech.voice,
        media: [speech.path],
      },
    };
  },
});
