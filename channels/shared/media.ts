/**
 * Media in both directions. Outbound: the agent names files to send with a line
 * `MEDIA:<path or url>` (OpenClaw's convention), which is taken out of the text. Inbound:
 * an attachment is saved into the session workspace's `inbox/` under a name we make safe
 * (a platform file name is untrusted input and must never steer the write elsewhere), and
 * refused over the account's size cap before a byte is fetched when the size is known,
 * and as soon as the cap is passed while downloading when it is not.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { ClawdbotError } from '../../core/errors.js';
import type { InboundAttachment } from '../types.js';

/** What kind of message a file is sent as. */
export type MediaKind = 'image' | 'audio' | 'video' | 'file';

/** A file the agent asked to send. */
export interface MediaReference {
  /** A path (relative to the workspace or absolute) or an http(s) URL, as the agent wrote it. */
  source: string;
  kind: MediaKind;
}

const KIND_BY_EXTENSION: Record<string, MediaKind> = {
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  gif: 'image',
  webp: 'image',
  mp3: 'audio',
  ogg: 'audio',
  oga: 'audio',
  opus: 'audio',
  m4a: 'audio',
  wav: 'audio',
  mp4: 'video',
  mov: 'video',
  webm: 'video',
};

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/opus',
  m4a: 'audio/mp4',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  pdf: 'application/pdf',
  txt: 'text/plain',
  json: 'application/json',
  csv: 'text/csv',
  zip: 'application/zip',
};

/** The lowercased extension of a path or URL (query and fragment ignored), without the dot. */
function extensionOf(source: string): string {
  const path = /^[a-z][a-z0-9+.-]*:\/\//i.test(source)
    ? (() => {
        try {
          return new URL(source).pathname;
        } catch {
          return source;
        }
      })()
    : source.replace(/[?#].*$/, '');
  return extname(path).slice(1).toLowerCase();
}

/** The kind of a file from its extension: image, audio, video, or any other file. */
export function mediaKindOf(source: string): MediaKind {
  return KIND_BY_EXTENSION[extensionOf(source)] ?? 'file';
}

const MEDIA_LINE = /^[ \t]*MEDIA:[ \t]*(.+?)[ \t]*$/;
const FENCE = /^[ \t]*(`{3,}|~{3,})/;

/**
 * Take `MEDIA:<path or url>` lines out of a reply: the text without them (and without the
 * blank lines they leave) plus the files, in order. Lines inside code blocks are examples,
 * not requests, and stay.
 */
export function extractMediaLines(text: string): { text: string; media: MediaReference[] } {
  const media: MediaReference[] = [];
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const marker = FENCE.exec(line)?.[1];
    if (
      marker &&
      (fence === undefined || (marker[0] === fence[0] && marker.length >= fence.length))
    ) {
      fence = fence === undefined ? marker : undefined;
      kept.push(line);
      continue;
    }
    const match = fence === undefined ? MEDIA_LINE.exec(line.replace(/\r$/, '')) : null;
    // Models sometimes quote the path: `MEDIA: "a b.png"`, `MEDIA: <https://...>`.
    const source = match?.[1]?.replace(/^(["'`<])(.*)(["'`>])$/, '$2').trim();
    if (source) media.push({ source, kind: mediaKindOf(source) });
    else kept.push(line);
  }
  const cleaned =
    media.length === 0
      ? text
      : kept
          .join('\n')
          .replace(/\n{3,}/g, '\n\n')
          .trim();
  return { text: cleaned, media };
}

/** An inbound attachment as saved in the workspace. */
export interface SavedAttachment {
  /** Absolute path inside `<workspace>/inbox/`. */
  path: string;
  fileName: string;
  mimeType: string;
  size: number;
  kind: InboundAttachment['kind'];
  /** Images only: the bytes, base64, for the model's image input. */
  base64?: string;
}

/** A name safe to create in inbox/: no directories, no dot files, no odd characters. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const extension = extname(base)
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 10);
  const stem = (extension ? base.slice(0, -extname(base).length) : base)
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}_-]+/gu, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 80);
  return `${stem || 'file'}${extension ? `.${extension.toLowerCase()}` : ''}`;
}

function tooLarge(fileName: string, size: number | undefined, maxBytes: number): ClawdbotError {
  const megabytes = (maxBytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '');
  const sizeText = size === undefined ? 'more' : `${size} bytes`;
  return new ClawdbotError(
    'MEDIA_TOO_LARGE',
    `Attachment ${fileName} is ${sizeText} than the ${megabytes} MB limit (mediaMaxMb)`,
    { fileName, maxBytes, ...(size !== undefined ? { size } : {}) },
  );
}

/** The bytes of a download, however the channel produced them, as chunks. */
async function* chunksOf(
  body: Uint8Array | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  if (body instanceof Uint8Array) {
    yield body;
  } else if (Symbol.asyncIterator in body) {
    yield* body;
  } else {
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      // Stops the transfer when we give up early (over the cap).
      await reader.cancel().catch(() => undefined);
    }
  }
}

/**
 * Save `attachment` into `<workspaceDir>/inbox/` under a safe, unique name. Throws
 * MEDIA_TOO_LARGE over `maxBytes`: before downloading when the platform gave the size,
 * else as soon as the download passes it (the partial file is removed).
 */
export async function saveInboundAttachment(
  workspaceDir: string,
  attachment: InboundAttachment,
  maxBytes: number,
): Promise<SavedAttachment> {
  if (attachment.size !== undefined && attachment.size > maxBytes) {
    throw tooLarge(attachment.fileName, attachment.size, maxBytes);
  }
  const inbox = resolve(workspaceDir, 'inbox');
  await mkdir(inbox, { recursive: true });
  const safe = safeFileName(attachment.fileName);
  const extension = extname(safe);
  const fileName = `${safe.slice(0, safe.length - extension.length)}-${randomBytes(4).toString('hex')}${extension}`;
  const path = join(inbox, fileName);
  if (!path.startsWith(inbox + sep))
    throw new Error(`unsafe attachment name ${attachment.fileName}`);
  const temp = `${path}.part`;
  const keep = attachment.kind === 'image';
  const kept: Uint8Array[] = [];
  let size = 0;
  const file = await open(temp, 'wx');
  try {
    for await (const chunk of chunksOf(await attachment.download())) {
      size += chunk.byteLength;
      if (size > maxBytes) throw tooLarge(attachment.fileName, undefined, maxBytes);
      await file.write(chunk);
      if (keep) kept.push(chunk);
    }
    await file.close();
    await rename(temp, path);
  } catch (error) {
    await file.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  const mimeType =
    attachment.mimeType ?? MIME_BY_EXTENSION[extension.slice(1)] ?? 'application/octet-stream';
  return {
    path,
    fileName,
    mimeType,
    size,
    kind: attachment.kind,
    ...(keep ? { base64: Buffer.concat(kept).toString('base64') } : {}),
  };
}
