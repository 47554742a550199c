/**
 * Model Markdown → the single-mark dialect WhatsApp and Google Chat share: `*bold*`,
 * `_italic_`, `~strike~`, `` `code` `` and ``` fenced blocks. They differ only in links
 * (Google Chat has `<url|label>`, WhatsApp shows a bare URL and links it itself), so the
 * caller says how a link is written. Neither platform has an escape for its marks, so
 * text is passed through as written; the parse tree keeps the marks we add balanced.
 */
import { inlineText, parseBlocks, parseInline, type Block, type Inline } from './markdown-parse.js';

/** How a link is written: its target and its visible label (already rendered). */
export type LinkWriter = (href: string, label: string) => string;

const MARKS = { bold: '*', italic: '_', strike: '~' } as const;

/** `label (url)`, or the URL alone when the label is the URL: what WhatsApp can show. */
export const plainLink: LinkWriter = (href, label) =>
  label === href || label === href.replace(/^https?:\/\//, '') ? href : `${label} (${href})`;

/** Google Chat's `<url|label>` (a bare `<url>` when the label is the URL). */
export const googleChatLink: LinkWriter = (href, label) => {
  if (!/^(?:https?|mailto):/i.test(href)) return plainLink(href, label);
  // `|` ends the URL part, so a literal one is percent-encoded.
  const target = href.replace(/\|/g, '%7C');
  return label === href ? `<${target}>` : `<${target}|${label}>`;
};

function renderInline(nodes: Inline[], link: LinkWriter, open: readonly string[] = []): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
          return node.text;
        case 'code':
          // A backtick cannot be shown inside inline code on either platform.
          return `\`${node.text.replace(/`/g, "'")}\``;
        case 'bold':
        case 'italic':
        case 'strike': {
          const mark = MARKS[node.type];
          const inner = renderInline(node.children, link, [...open, mark]);
          // The same mark nested inside itself would close the outer one early.
          return open.includes(mark) ? inner : `${mark}${inner}${mark}`;
        }
        case 'link': {
          const href = node.href.startsWith('www.') ? `https://${node.href}` : node.href;
          const label = inlineText(node.children);
          return link(href, label === node.href ? href : label);
        }
      }
    })
    .join('');
}

function renderBlock(block: Block, link: LinkWriter): string {
  const line = (text: string, open: readonly string[] = []) =>
    renderInline(parseInline(text), link, open);
  switch (block.type) {
    case 'blank':
      return '';
    case 'text':
      return line(block.text);
    case 'heading':
      return `*${line(block.text, ['*'])}*`;
    case 'code':
      return `\`\`\`\n${block.text}\n\`\`\``;
    case 'quote':
      return block.lines.map((quoted) => `> ${line(quoted)}`).join('\n');
    case 'list-item': {
      const bullet =
        block.checked === undefined ? (block.marker ?? '•') : block.checked ? '☑' : '☐';
      return `${'    '.repeat(block.depth)}${bullet} ${line(block.text)}`;
    }
    case 'rule':
      return '──────────';
    case 'table':
      // Neither platform has tables; a code block keeps the columns aligned.
      return `\`\`\`\n${block.lines.join('\n')}\n\`\`\``;
  }
}

/** Convert model Markdown to single-mark markup, links written by `link`. */
export function markdownToStarMarkup(markdown: string, link: LinkWriter = plainLink): string {
  return parseBlocks(markdown)
    .map((block) => renderBlock(block, link))
    .join('\n');
}
