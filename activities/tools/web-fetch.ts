import { z } from 'zod';
import { configSchema } from '../../core/config/schema.js';
import { wrapUntrusted } from '../../core/security/untrusted.js';
import { guardedFetch, type FetchedResponse } from './guarded-fetch.js';
import type { PageFormat } from './readable-html.js';
import { defineTool, ToolError, type ToolContext } from './tool.js';

const DEFAULT_MAX_CHARS = 50_000;
const MAX_MAX_CHARS = 200_000;
/** The config's defaults, for a context without config: the schema stays their one source. */
const DEFAULT_SETTINGS = configSchema.parse({}).tools.web.fetch;

const inputSchema = z.object({
  url: z.string().min(1).describe('The http or https URL to fetch.'),
  format: z
    .enum(['markdown', 'text'])
    .default('markdown')
    .describe('How to render an HTML page: markdown (headings, links, lists kept) or plain text.'),
  maxChars: z
    .number()
    .int()
    .min(100)
    .max(MAX_MAX_CHARS)
    .default(DEFAULT_MAX_CHARS)
    .describe(`Maximum characters of content to return (default ${DEFAULT_MAX_CHARS}).`),
});

type Kind = 'html' | 'json' | 'text';

function kindOf(mediaType: string): Kind | undefined {
  if (mediaType === 'text/html' || mediaType === 'application/xhtml+xml') return 'html';
  if (/^(application|text)\/([\w.-]+\+)?json$/.test(mediaType)) return 'json';
  if (mediaType.startsWith('text/') || /[/+](xml|yaml|x-yaml|javascript)$/.test(mediaType)) {
    return 'text';
  }
  return undefined;
}

/** A page served without Content-Type: HTML if it looks like it, binary if it has NUL bytes. */
function sniff(body: Uint8Array): Kind | undefined {
  const head = Buffer.from(body.subarray(0, 1024)).toString('latin1');
  if (head.includes('\0')) return undefined;
  return /^\s*(<!doctype html|<html|<head|<body)/i.test(head) ? 'html' : 'text';
}

/** Decode with the declared charset, else an HTML `<meta charset>`, else UTF-8. */
function decode(response: FetchedResponse, kind: Kind): string {
  const head = Buffer.from(response.body.subarray(0, 2048)).toString('latin1');
  const meta =
    kind === 'html' ? /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1] : undefined;
  for (const label of [response.charset, meta, 'utf-8']) {
    if (!label) continue;
    try {
      return new TextDecoder(label).decode(response.body);
    } catch {
      // An unknown charset label: try the next candidate.
    }
  }
  return new TextDecoder().decode(response.body);
}

async function render(response: FetchedResponse, kind: Kind, format: PageFormat) {
  const text = decode(response, kind);
  // The HTML-to-text libraries are large (tens of MB): loaded on the first page fetched.
  if (kind === 'html')
    return (await import('./readable-html.js')).readableHtml(text, response.url.href, format);
  if (kind === 'json' && !response.truncated) {
    try {
      return { title: undefined, content: JSON.stringify(JSON.parse(text), null, 2) };
    } catch {
      // Invalid JSON is still worth reading as text.
    }
  }
  return { title: undefined, content: text.trim() };
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

function settings(context: ToolContext) {
  return context.config?.tools.web.fetch ?? DEFAULT_SETTINGS;
}

/** Fetch a web page and return its readable content; private addresses are refused. */
export const webFetchTool = defineTool({
  name: 'web_fetch',
  description:
    'Fetch a public web page (http/https GET) and return its main content: HTML as markdown ' +
    '(or plain text) without navigation and scripts, text as is, JSON pretty-printed. Other ' +
    'content (images, PDFs) is refused, and so are private and local network addresses. ' +
    `Long content is cut at maxChars (default ${DEFAULT_MAX_CHARS}); a note says so.`,
  inputSchema,
  policy: { startToCloseTimeoutMs: 45_000, maximumAttempts: 3, idempotent: true },
  async execute(input, context) {
    const { allowHosts, maxBytes, timeoutMs } = settings(context);
    const response = await guardedFetch(input.url, {
      allowHosts,
      maxBytes,
      timeoutMs,
      signal: context.signal,
      // Without a Content-Type the body decides (sniffed below).
      accepts: (mediaType) => mediaType === '' || kindOf(mediaType) !== undefined,
    });
    const kind = response.mediaType ? kindOf(response.mediaType) : sniff(response.body);
    if (kind === undefined) {
      throw new ToolError(
        'UNSUPPORTED_CONTENT_TYPE',
        `${response.url.href} states no content type and looks binary; web_fetch reads HTML, text and JSON only.`,
        { url: response.url.href },
      );
    }
    const page = await render(response, kind, input.format);
    const content = page.content.slice(0, input.maxChars);
    const notes = [
      response.truncated &&
        `[The response is larger than ${formatBytes(maxBytes)}; only its first ${formatBytes(maxBytes)} were read.]`,
      page.content.length > input.maxChars &&
        `[Content truncated: showing ${input.maxChars} of ${page.content.length} characters. ` +
          `Call again with a larger maxChars (at most ${MAX_MAX_CHARS}) to read more.]`,
    ].filter(Boolean);
    const header = [
      `URL: ${response.url.href}`,
      response.redirects.length > 0 && `(redirected from ${input.url})`,
    ].filter(Boolean);
    const body = content.trim() === '' ? '(the page has no readable text)' : content;
    // The page (its title too) is the web's, not the user's: labelled as data for the model.
    const pageText = [page.title && `Title: ${page.title}`, body].filter(Boolean).join('\n\n');
    return {
      text: [
        header.join('\n'),
        wrapUntrusted(pageText, `web_fetch ${response.url.href}`),
        ...notes,
      ].join('\n\n'),
      details: {
        url: response.url.href,
        redirects: response.redirects,
        status: response.status,
        contentType: response.mediaType,
        bytes: response.body.byteLength,
        truncatedBytes: response.truncated,
        truncatedChars: page.content.length > input.maxChars,
      },
    };
  },
});
