// HTML → what a model should read: Readability (Firefox Reader View's algorithm) keeps the
// main content and drops navigation, ads and scripts; Turndown writes it as markdown. linkedom
// is the DOM for Readability: a small pure-JS one, enough for it and far lighter than jsdom.
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import TurndownService from 'turndown';

/** How web_fetch renders a page. */
export type PageFormat = 'markdown' | 'text';

/** The readable part of an HTML page. */
export interface ReadablePage {
  title: string | undefined;
  content: string;
}

/** Elements never worth reading, removed when Readability finds no article. */
const NOISE =
  'script, style, noscript, template, iframe, svg, canvas, form, nav, header, footer, aside';

/** Elements whose content is never text to read. */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'svg', 'canvas']);

type Dom = ReturnType<typeof parseHTML>['document'];

/** Parse a page; linkedom needs an <html> element, which fragments served as HTML lack. */
function parseDocument(html: string): Dom {
  const whole = /<html[\s>]/i.test(html)
    ? html
    : `<!doctype html><html><body>${html}</body></html>`;
  return parseHTML(whole).document;
}

/** Readability and Turndown see no page URL: make links and images absolute first. */
function absolutizeLinks(document: Dom, pageUrl: string): void {
  let base = pageUrl;
  const baseHref = document.querySelector('base[href]')?.getAttribute('href');
  if (baseHref) base = URL.canParse(baseHref, pageUrl) ? new URL(baseHref, pageUrl).href : base;
  for (const [selector, attribute] of [
    ['a[href]', 'href'],
    ['img[src]', 'src'],
  ] as const) {
    for (const element of Array.from(document.querySelectorAll(selector))) {
      const value = element.getAttribute(attribute) ?? '';
      if (!URL.canParse(value, base)) continue;
      const absolute = new URL(value, base);
      if (absolute.protocol === 'javascript:') element.removeAttribute(attribute);
      else element.setAttribute(attribute, absolute.href);
    }
  }
}

function converter(format: PageFormat): TurndownService {
  const service = new TurndownService({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
    emDelimiter: '_',
  });
  service.remove((node) => SKIPPED.has(node.nodeName.toLowerCase()));
  // Inline images (data: URIs) would cost the model thousands of tokens of base64.
  service.addRule('images', {
    filter: 'img',
    replacement: (_content, node) => {
      const alt = (node.getAttribute('alt') ?? '').trim();
      const src = node.getAttribute('src') ?? '';
      return format === 'markdown' && /^https?:/.test(src) ? `![${alt}](${src})` : alt;
    },
  });
  if (format === 'text') {
    service.escape = (text: string) => text;
    service.addRule('plain-inline', {
      filter: ['a', 'strong', 'b', 'em', 'i', 'code'],
      replacement: (content) => content,
    });
    service.addRule('plain-headings', {
      filter: ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'],
      replacement: (content) => `\n\n${content}\n\n`,
    });
    service.addRule('plain-code-blocks', {
      filter: 'pre',
      replacement: (_content, node) => `\n\n${node.textContent ?? ''}\n\n`,
    });
  }
  return service;
}

/** The whole body without its obvious noise, for pages Readability cannot make sense of. */
function fallbackBody(html: string, pageUrl: string): TurndownService.Node {
  const document = parseDocument(html);
  absolutizeLinks(document, pageUrl);
  for (const element of Array.from(document.querySelectorAll(NOISE))) element.remove();
  return document.body ?? document.createElement('body');
}

/** Extract a page's main content as markdown or plain text. */
export function readableHtml(html: string, pageUrl: string, format: PageFormat): ReadablePage {
  const document = parseDocument(html);
  const pageTitle = document.title.trim();
  absolutizeLinks(document, pageUrl);
  // Hand Turndown the DOM node itself: serialising it and parsing it again costs seconds
  // on a large page.
  const article = new Readability(document, {
    serializer: (node) => node as HTMLElement,
  }).parse();
  const found = article?.content && (article.textContent ?? '').trim() !== '';
  const body = found && article.content ? article.content : fallbackBody(html, pageUrl);
  const content = converter(format)
    .turndown(body)
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { title: article?.title?.trim() || pageTitle || undefined, content };
}
