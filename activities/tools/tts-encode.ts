/**
 * Audio conversion for the tts tool: anything ffmpeg reads → OGG/Opus, the format
 * Telegram plays as a voice message and every other platform plays as audio. opusenc
 * (opus-tools) is the fallback for WAV input on hosts without ffmpeg.
 */
import { execFile } from 'node:child_process';
import { ToolError } from './tool.js';

/** Which converters this host has. */
export interface Encoders {
  ffmpeg: boolean;
  opusenc: boolean;
}

/** How long one external audio program may take (a long text renders in seconds). */
const PROGRAM_TIMEOUT_MS = 120_000;

/** Run `command` with `args`, feeding `stdin`; TTS_FAILED with its stderr when it fails. */
export function runAudioProgram(
  command: string,
  args: readonly string[],
  signal: AbortSignal,
  stdin?: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { signal, timeout: PROGRAM_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (!error) return resolve();
        if (signal.aborted)
          return reject(new Error(`${command} stopped: the call was cancelled`, { cause: error }));
        const detail = String(stderr).trim().split('\n').slice(-3).join(' ') || error.message;
        reject(
          new ToolError('TTS_FAILED', `${command} failed: ${detail}`, {
            command,
            ...(typeof error.code === 'number' ? { exitCode: error.code } : {}),
          }),
        );
      },
    );
    // Text goes through stdin, never the command line: no quoting, no length limit.
    child.stdin?.end(stdin ?? '');
  });
}

/** Convert `input` (a file ffmpeg or opusenc reads) to OGG/Opus at `output`. */
export async function encodeOggOpus(
  input: string,
  output: string,
  encoders: Encoders,
  signal: AbortSignal,
): Promise<void> {
  if (encoders.ffmpeg) {
    // 48 kHz mono at 32 kbit/s in voice mode: clear speech, small files.
    const args = ['-hide_banner', '-loglevel', 'error', '-y', '-i', input];
    args.push('-vn', '-ac', '1', '-ar', '48000', '-c:a', 'libopus', '-b:a', '32k');
    args.push('-application', 'voip', '-f', 'ogg', output);
    return runAudioProgram('ffmpeg', args, signal);
  }
  if (encoders.opusenc) {
    return runAudioProgram(
      'opusenc',
      ['--quiet', '--bitrate', '32', '--speech', input, output],
      signal,
    );
  }
  throw new ToolError(
    'TTS_NOT_CONFIGURED',
    'Neither ffmpeg nor opusenc is installed, so no OGG/Opus file can be made (apt-get install ffmpeg).',
  );
}
