/**
 * The bytes of an outbound `MEDIA:` source (a workspace path or an http(s) URL, already
 * vetted by runtime/media-source.ts) for platforms that take an upload rather than a URL.
 * Failures are ChannelSendErrors: a missing file is final, an unreachable URL is retried.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { ChannelSendError } from '../types.js';

/** An outbound file in memory. */
export interface MediaBytes {
  bytes: Buffer;
  fileName: string;
  mimeType: string;
}

const MIME_BY_EXTENSION: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.json': 'application/json',
};

/** A MIME type from a file name's extension (application/octet-stream when unknown). */
export function mimeTypeOf(fileName: string): string {
  return MIME_BY_EXTENSION[extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

/** Read a local file or fetch a URL. */
export async function readMediaSource(source: string): Promise<MediaBytes> {
  if (!/^https?:\/\//i.test(source)) {
    try {
      const fileName = basename(source);
      return { bytes: await readFile(source), fileName, mimeType: mimeTypeOf(fileName) };
    } catch (error) {
      throw new ChannelSendError(`cannot read ${source}: ${(error as Error).message}`, {
        retryable: false,
      });
    }
  }
  const response = await fetch(source).catch((error: unknown) => {
    throw new ChannelSendError(`cannot fetch ${source}: ${String(error)}`, { retryable: true });
  });
  if (!response.ok) {
    throw new ChannelSendError(`cannot fetch ${source}: HTTP ${response.status}`, {
      retryable: response.status >= 500,
      status: response.status,
    });
  }
  const fileName = basename(new URL(source).pathname) || 'file';
  const header = response.headers.get('content-type')?.split(';')[0]?.trim();
  return {
    bytes: Buffer.from(await response.arrayBuffer()),
    fileName,
    mimeType: header && header !== 'application/octet-stream' ? header : mimeTypeOf(fileName),
  };
}
