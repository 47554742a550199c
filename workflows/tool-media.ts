/**
 * Files that tools asked to send with the reply (the tts tool's audio) become `MEDIA:`
 * lines of the text delivered to the channel, unless the model already wrote a line for
 * the same file. Deterministic: it reads only activity results the history holds.
 */

const MEDIA_LINE = /^[ \t]*MEDIA:[ \t]*["'`<]?(.+?)["'`>]?[ \t]*$/gm;

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `text` with a `MEDIA:` line added for each of `files` it does not name yet. */
export function withToolMedia(text: string, files: readonly string[]): string {
  if (files.length === 0) return text;
  const named = [...text.matchAll(MEDIA_LINE)].map((match) => baseName(match[1] ?? ''));
  const missing = [...new Set(files)].filter((file) => !named.includes(baseName(file)));
  if (missing.length === 0) return text;
  const lines = missing.map((file) => `MEDIA:${file}`).join('\n');
  return text.trim() === '' ? lines : `${text}\n\n${lines}`;
}
