/**
 * A picture made acceptable to a provider's vision input: decoded with sharp (which tells
 * a real image from a file that only has the name of one), turned upright, scaled down
 * to the provider's recommended size and re-encoded until it is under the byte limit.
 * Pictures that already fit go as they are, byte for byte.
 */
import type { LlmProvider } from '../llm/model-ref.js';
import { ToolError } from './tool.js';

/** What a provider takes in one image part. */
export interface ImageLimits {
  /** Longest side in pixels; larger pictures are scaled down (the model would anyway). */
  maxSide: number;
  /** Bytes of the encoded picture (before base64). */
  maxBytes: number;
  /** Media types sent unchanged when within the limits. */
  types: readonly string[];
}

/**
 * Anthropic: images over 1568 px on the long side are scaled down by the API, at a cost
 * in latency, and each image may be 5 MB, counted on the base64 text (hence 3.75 MB of
 * bytes). OpenAI: high detail fits the picture into 2048 × 2048; 20 MB per image.
 */
export const providerImageLimits: Readonly<Record<LlmProvider, ImageLimits>> = {
  anthropic: {
    maxSide: 1568,
    maxBytes: Math.floor((5 * 1024 * 1024 * 3) / 4),
    types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
  },
  openai: {
    maxSide: 2048,
    maxBytes: 20 * 1024 * 1024,
    types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
  },
};

/** A picture ready for an image part. */
export interface PreparedImage {
  mimeType: string;
  /** Base64 of the encoded picture. */
  data: string;
  width: number;
  height: number;
  /** Its size before preparing, and whether it was scaled or re-encoded. */
  original: { width: number; height: number; format: string; bytes: number };
  converted: boolean;
}

/** Formats sharp reads here that are pictures; SVG is left out, it is a document with links. */
const DECODABLE = new Set(['jpeg', 'png', 'gif', 'webp', 'avif', 'heif', 'tiff']);

/** Decoding more pixels than this (a 16k × 16k picture) is refused: a decompression bomb. */
const MAX_INPUT_PIXELS = 16_384 * 16_384;

/** sharp (libvips) loads with the first picture, not with every worker that might see one. */
async function loadSharp() {
  return (await import('sharp')).default;
}

async function describe(bytes: Buffer, source: string) {
  const sharp = await loadSharp();
  try {
    const metadata = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    return metadata;
  } catch {
    throw new ToolError(
      'NOT_AN_IMAGE',
      `${source} is not a picture (no image format could read it).`,
      { source },
    );
  }
}

/** Decode `bytes` and fit them to `limits`; NOT_AN_IMAGE or IMAGE_TOO_LARGE when it cannot. */
export async function prepareImage(
  bytes: Buffer,
  source: string,
  limits: ImageLimits,
): Promise<PreparedImage> {
  const sharp = await loadSharp();
  const metadata = await describe(bytes, source);
  const format = metadata.format;
  if (!DECODABLE.has(format)) {
    throw new ToolError('NOT_AN_IMAGE', `${source} is ${format.toUpperCase()}, not a picture.`, {
      source,
      format,
    });
  }
  const width = metadata.autoOrient.width;
  const height = metadata.autoOrient.height;
  if (width * height > MAX_INPUT_PIXELS) {
    throw new ToolError(
      'IMAGE_TOO_LARGE',
      `${source} is ${width} × ${height} pixels, more than can be decoded safely.`,
      { source, width, height },
    );
  }
  const original = { width, height, format, bytes: bytes.byteLength };
  const mimeType = `image/${format}`;
  const upright = (metadata.orientation ?? 1) === 1;
  if (
    limits.types.includes(mimeType) &&
    upright &&
    Math.max(width, height) <= limits.maxSide &&
    bytes.byteLength <= limits.maxBytes
  ) {
    return { mimeType, data: bytes.toString('base64'), width, height, original, converted: false };
  }
  // Scale down step by step until the encoding fits: a photo of fine noise can stay over
  // the byte limit at the recommended size.
  for (let side = limits.maxSide; side >= 256; side = Math.floor(side * 0.75)) {
    const pipeline = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, animated: false })
      .rotate()
      .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true });
    // Transparency survives as PNG; everything else is a photo for JPEG.
    const encoded = metadata.hasAlpha
      ? await pipeline.png({ compressionLevel: 9 }).toBuffer({ resolveWithObject: true })
      : await pipeline.jpeg({ quality: 85, mozjpeg: true }).toBuffer({ resolveWithObject: true });
    if (encoded.data.byteLength <= limits.maxBytes) {
      return {
        mimeType: metadata.hasAlpha ? 'image/png' : 'image/jpeg',
        data: encoded.data.toString('base64'),
        width: encoded.info.width,
        height: encoded.info.height,
        original,
        converted: true,
      };
    }
  }
  throw new ToolError(
    'IMAGE_TOO_LARGE',
    `${source} stays over ${limits.maxBytes} bytes even scaled down to 256 px.`,
    { source, maxBytes: limits.maxBytes },
  );
}
