// A small Markdown renderer for model output that produces Lit templates, never HTML
// strings: every piece of text lands in a text binding (a text node), so nothing the model
// writes can become markup. Links are kept only for http(s) and mailto addresses.
// Supported: paragraphs, headings, fenced and indented code, block quotes, lists, rules,
// inline code, bold, italic, strike-through and links; anything else stays plain text.
import { html, nothing, type TemplateResult } from 'lit';

type Inline = TemplateResult | string;

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/** The address when it is safe to link to, else undefined. */
export function safeHref(address: string): string | undefined {
  try {
    const url = new URL(address);
    return SAFE_SCHEMES.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

// Inline patterns, tried at each position; the earliest match wins.
const INLINE = [
  { kind: 'code', pattern: /(`+)([\s\S]+?)\1/ },
  { kind: 'link', pattern: /\[([^\]\n]+)\]\(([^)\s]+)\)/ },
  // Underscores never emphasise inside a word (snake_case, __dunder__ names), as in CommonMark.
  { kind: 'bold', pattern: /\*\*(?=\S)([\s\S]+?)\*\*|(?<!\w)__(?=\S)([\s\S]+?)__(?!\w)/ },
  { kind: 'strike', pattern: /~~(?=\S)([\s\S]+?)~~/ },
  { kind: 'italic', pattern: /\*(?=[^\s*])([^*\n]+?)\*|(?<!\w)_(?=\S)([^_\n]+?)_(?!\w)/ },
  { kind: 'url', pattern: /\bhttps?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/ },
] as const;

/** Render inline Markdown (one paragraph's text) as Lit parts. */
export function renderInline(text: string): Inline[] {
  const parts: Inline[] = [];
  let rest = text;
  while (rest.length > 0) {
    let best: { kind: (typeof INLINE)[number]['kind']; match: RegExpExecArray } | undefined;
    for (const { kind, pattern } of INLINE) {
      const match = pattern.exec(rest);
      if (match && (best === undefined || match.index < best.match.index)) best = { kind, match };
    }
    if (!best) {
      parts.push(rest);
      break;
    }
    const { kind, match } = best;
    if (match.index > 0) parts.push(rest.slice(0, match.index));
    parts.push(inlinePart(kind, match));
    rest = rest.slice(match.index + match[0].length);
  }
  return parts;
}

function inlinePart(kind: (typeof INLINE)[number]['kind'], match: RegExpExecArray): Inline {
  switch (kind) {
    case 'code':
      return html`<code>${(match[2] ?? '').trim()}</code>`;
    case 'link': {
      const href = safeHref(match[2] ?? '');
      const label = renderInline(match[1] ?? '');
      return href
        ? html`<a href=${href} target="_blank" rel="noopener noreferrer nofollow">${label}</a>`
        : match[0];
    }
    case 'url': {
      const href = safeHref(match[0]);
      return href
        ? html`<a href=${href} target="_blank" rel="noopener noreferrer nofollow">${match[0]}</a>`
        : match[0];
    }
    case 'bold':
      return html`<strong>${renderInline(match[1] ?? match[2] ?? '')}</strong>`;
    case 'italic':
      return html`<em>${renderInline(match[1] ?? match[2] ?? '')}</em>`;
    case 'strike':
      return html`<del>${renderInline(match[1] ?? '')}</del>`;
  }
}

interface ListItem {
  text: string;
}

/** Render a Markdown document as Lit templates. */
export function renderMarkdown(source: string): TemplateResult {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: TemplateResult[] = [];
  let index = 0;
  const at = (offset = 0) => lines[index + offset];
  while (index < lines.length) {
    const line = at() ?? '';
    const fence = /^\s*(```+|~~~+)\s*([\w+#.-]*)/.exec(line);
    if (fence) {
      const marker = fence[1] ?? '```';
      const code: string[] = [];
      index++;
      while (index < lines.length && !(at() ?? '').trim().startsWith(marker)) {
        code.push(at() ?? '');
        index++;
      }
      index++; // the closing fence (or the end of an unfinished, still streaming block)
      const language = fence[2] ?? '';
      blocks.push(
        html`<pre class="code" data-language=${language || nothing}><code>${code.join(
          '\n',
        )}</code></pre>`,
      );
      continue;
    }
    if (line.trim() === '') {
      index++;
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const level = heading[1]?.length ?? 1;
      const content = renderInline((heading[2] ?? '').replace(/\s+#+\s*$/, ''));
      // Headings inside a chat bubble stay small: h4-h6 only.
      blocks.push(
        level <= 2
          ? html`<h4>${content}</h4>`
          : level <= 4
            ? html`<h5>${content}</h5>`
            : html`<h6>${content}</h6>`,
      );
      index++;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      blocks.push(html`<hr />`);
      index++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quoted: string[] = [];
      while (index < lines.length && /^\s*>/.test(at() ?? '')) {
        quoted.push((at() ?? '').replace(/^\s*>\s?/, ''));
        index++;
      }
      blocks.push(html`<blockquote>${renderMarkdown(quoted.join('\n'))}</blockquote>`);
      continue;
    }
    const bullet = /^\s*([-*+]|\d{1,9}[.)])\s+/;
    if (bullet.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const start = ordered ? Number.parseInt(line.trim(), 10) : 1;
      const items: ListItem[] = [];
      while (index < lines.length) {
        const current = at() ?? '';
        if (bullet.test(current)) items.push({ text: current.replace(bullet, '') });
        else if (current.trim() !== '' && /^\s{2,}/.test(current) && items.length > 0) {
          items[items.length - 1]!.text += `\n${current.trim()}`;
        } else break;
        index++;
      }
      const rendered = items.map((item) => html`<li>${renderInline(item.text)}</li>`);
      blocks.push(
        ordered
          ? html`<ol start=${start}>
              ${rendered}
            </ol>`
          : html`<ul>
              ${rendered}
            </ul>`,
      );
      continue;
    }
    if (/^( {4}|\t)/.test(line)) {
      const code: string[] = [];
      while (index < lines.length && /^( {4}|\t)|^\s*$/.test(at() ?? '')) {
        code.push((at() ?? '').replace(/^( {4}|\t)/, ''));
        index++;
      }
      while (code.length > 0 && code[code.length - 1]!.trim() === '') code.pop();
      blocks.push(html`<pre class="code"><code>${code.join('\n')}</code></pre>`);
      continue;
    }
    const paragraph: string[] = [];
    while (index < lines.length) {
      const current = at() ?? '';
      if (
        current.trim() === '' ||
        /^\s*(```|~~~|#{1,6}\s|>)/.test(current) ||
        (paragraph.length > 0 && bullet.test(current))
      ) {
        break;
      }
      paragraph.push(current);
      index++;
    }
    if (paragraph.length === 0) {
      // A line no block above took (say, a lone '>' variant): shown as text, never dropped.
      paragraph.push(line);
      index++;
    }
    // Single newlines inside a paragraph are kept: chat text often relies on them.
    const content = paragraph.flatMap((text, position) =>
      position === 0 ? renderInline(text) : [html`<br />`, ...renderInline(text)],
    );
    blocks.push(html`<p>${content}</p>`);
  }
  return html`${blocks}`;
}
