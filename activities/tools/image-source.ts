/**
 * The bytes of the picture the `image` tool was pointed at: a file of the workspace (an
 * inbound attachment is one: channels save them under `<workspace>/inbox/`) or an http(s)
 * URL fetched through web_fetch's guard, so a prompt-injected URL cannot reach the private
 * network. Both are capped before the whole file is read.
 */
import { readFile } from 'node:fs/promises';
import { guardedFetch } from './guarded-fetch.js';
import { fileToolError, statRegularFile } from './file-io.js';
import { resolveReadablePath } from './readable-path.js';
import { ToolError, type ToolContext } from './tool.js';

/** A loaded picture, not yet decoded. */
export interface ImageBytes {
  bytes: Buffer;
  /** Where it came from, for the result: the real path or the final URL. */
  origin: string;
}

/** How much a URL download may take, besides the byte cap. */
const DOWNLOAD_TIMEOUT_MS = 30_000;

function tooLarge(source: string, maxBytes: number, size?: number): ToolError {
  const megabytes = +(maxBytes / (1024 * 1024)).toFixed(2);
  const what = size === undefined ? 'larger than' : `${size} bytes, over`;
  return new ToolError(
    'IMAGE_TOO_LARGE',
    `${source} is ${what} the ${megabytes} MB limit (maxBytesMb).`,
    { source, maxBytes, ...(size !== undefined ? { size } : {}) },
  );
}

async function fromUrl(url: string, maxBytes: number, context: ToolContext): Promise<ImageBytes> {
  const response = await guardedFetch(url, {
    allowHosts: context.config?.tools.web.fetch.allowHosts ?? [],
    // One byte more than allowed tells "exactly the cap" from "over the cap".
    maxBytes: maxBytes + 1,
    timeoutMs: DOWNLOAD_TIMEOUT_MS,
    signal: context.signal,
    // The type is checked on the bytes (servers often say octet-stream); HTML is surely not one.
    accepts: (mediaType) => !/^(text\/|application\/(xhtml\+xml|json))/.test(mediaType),
  }).catch((error: unknown) => {
    if (error instanceof ToolError && error.code === 'UNSUPPORTED_CONTENT_TYPE')
      throw new ToolError('NOT_AN_IMAGE', `${url} is a page or text, not an image.`, {
        source: url,
      });
    throw error;
  });
  if (response.truncated || response.body.byteLength > maxBytes) throw tooLarge(url, maxBytes);
  return { bytes: Buffer.from(response.body), origin: response.url.href };
}

async function fromFile(path: string, maxBytes: number, context: ToolContext): Promise<ImageBytes> {
  const readable = context.skills?.readableDirs() ?? [];
  let file: string;
  try {
    file = await resolveReadablePath(context.workspaceDir, path, readable);
    const { size } = await statRegularFile(file, path);
    if (size > maxBytes) throw tooLarge(path, maxBytes, size);
  } catch (error) {
    // A bare name of an attachment ("photo-1a2b.jpg") is looked up where channels save them.
    const notFound = error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (!notFound || /[\\/]/.test(path)) throw fileToolError(error, path);
    return fromFile(`inbox/${path}`, maxBytes, context).catch(() => {
      throw fileToolError(error, path);
    });
  }
  const bytes = await readFile(file).catch((error: unknown) => {
    throw fileToolError(error, path);
  });
  // The file may have grown since it was measured.
  if (bytes.byteLength > maxBytes) throw tooLarge(path, maxBytes, bytes.byteLength);
  return { bytes, origin: file };
}

/** Read `source` (workspace path or http(s) URL), refusing more than `maxBytes`. */
export async function loadImageBytes(
  source: string,
  maxBytes: number,
  context: ToolContext,
): Promise<ImageBytes> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    if (!/^https?:/i.test(source))
      throw new ToolError(
        'INVALID_URL',
        `"${source}" is neither a workspace path nor an http(s) URL.`,
        { source },
      );
    return fromUrl(source, maxBytes, context);
  }
  return fromFile(source, maxBytes, context);
}
