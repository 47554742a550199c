// A fake of two text-to-speech APIs on 127.0.0.1, as their documentation describes them:
// OpenAI's `POST /v1/audio/speech` (JSON {model, input, voice, response_format}, bearer
// key, the audio as the body: `opus` is Ogg/Opus, `mp3` MPEG audio) and ElevenLabs'
// `POST /v1/text-to-speech/{voice_id}?output_format=…` (`xi-api-key` header, JSON {text,
// model_id}, MP3 by default). The audio is real: a tone rendered by ffmpeg, so what the
// client stores can be measured.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One request as the test sees it afterwards. */
export interface SpeechCall {
  api: 'openai' | 'elevenlabs';
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** A running fake. */
export interface FakeSpeechServer {
  url: string;
  calls: SpeechCall[];
  close(): Promise<void>;
}

const OPENAI_FORMATS: Record<string, { ffmpeg: string[]; type: string }> = {
  opus: { ffmpeg: ['-c:a', 'libopus', '-f', 'ogg'], type: 'audio/ogg' },
  mp3: { ffmpeg: ['-c:a', 'libmp3lame', '-f', 'mp3'], type: 'audio/mpeg' },
  wav: { ffmpeg: ['-f', 'wav'], type: 'audio/wav' },
};

/** One second of a 440 Hz tone in the given ffmpeg output format. */
async function tone(dir: string, name: string, args: string[]): Promise<Buffer> {
  const file = join(dir, name);
  const input = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1'];
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...input, ...args, file]);
  return readFile(file);
}

function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(undefined);
      }
    });
  });
}

function send(response: ServerResponse, status: number, body: Buffer | object, type?: string) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  response.writeHead(status, { 'content-type': type ?? 'application/json' });
  response.end(bytes);
}

/**
 * Start the fake. `apiKey` is the only key both APIs accept; OpenAI errors use its
 * `{error: {message, type}}` shape, ElevenLabs its `{detail: {status, message}}`.
 */
export async function startFakeSpeechServer(apiKey: string): Promise<FakeSpeechServer> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-speech-'));
  const audio = new Map<string, Buffer>();
  for (const [format, spec] of Object.entries(OPENAI_FORMATS)) {
    audio.set(format, await tone(dir, `tone.${format}`, spec.ffmpeg));
  }
  const calls: SpeechCall[] = [];

  const openAi = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readJson(request);
    if (request.headers.authorization !== `Bearer ${apiKey}`)
      return send(response, 401, {
        error: { message: 'Incorrect API key provided.', type: 'invalid_request_error' },
      });
    const fields = (body ?? {}) as Record<string, unknown>;
    calls.push({ api: 'openai', path: request.url ?? '', headers: request.headers, body: fields });
    const missing = ['model', 'input', 'voice'].find((name) => typeof fields[name] !== 'string');
    if (missing)
      return send(response, 400, {
        error: {
          message: `Missing required parameter: '${missing}'.`,
          type: 'invalid_request_error',
        },
      });
    const format = typeof fields.response_format === 'string' ? fields.response_format : 'mp3';
    const spec = OPENAI_FORMATS[format];
    if (!spec)
      return send(response, 400, {
        error: { message: `Unsupported response_format ${format}.`, type: 'invalid_request_error' },
      });
    send(response, 200, audio.get(format)!, spec.type);
  };

  const elevenLabs = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const body = await readJson(request);
    if (request.headers['xi-api-key'] !== apiKey)
      return send(response, 401, {
        detail: { status: 'invalid_api_key', message: 'Invalid API key' },
      });
    const fields = (body ?? {}) as Record<string, unknown>;
    calls.push({
      api: 'elevenlabs',
      path: `${url.pathname}${url.search}`,
      headers: request.headers,
      body: fields,
    });
    if (typeof fields.text !== 'string')
      return send(response, 422, { detail: [{ loc: ['body', 'text'], msg: 'Field required' }] });
    const format = url.searchParams.get('output_format') ?? 'mp3_44100_128';
    if (!format.startsWith('mp3_'))
      return send(response, 400, { detail: { status: 'invalid_output_format', message: format } });
    send(response, 200, audio.get('mp3')!, 'audio/mpeg');
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    if (request.method === 'POST' && url.pathname === '/v1/audio/speech') {
      void openAi(request, response);
    } else if (request.method === 'POST' && /^\/v1\/text-to-speech\/[^/]+$/.test(url.pathname)) {
      void elevenLabs(request, response, url);
    } else {
      send(response, 404, { error: { message: 'Not found', type: 'invalid_request_error' } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
