/**
 * Model Markdown → the HTML of a Matrix message's `formatted_body` (`format:
 * "org.matrix.custom.html"`). Only tags from the spec's recommended list are used (strong,
 * em, del, code, pre, a, blockquote, h1-h6, ul/li via bullets, hr, br), every text
 * character that HTML treats specially is escaped, and lines are joined with `<br>`
 * because clients render formatted_body as HTML, where a newline is just a space.
 */
import { parseBlocks, parseInline, type Block, type Inline } from './markdown-parse.js';

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

// Links with other schemes (javascript:) are shown as text, never made clickable.
const LINK_SCHEME = /^(?:https?:\/\/|mailto:|matrix:)/i;

function renderInline(nodes: Inline[]): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
          return escapeHtml(node.text);
        case 'code':
          return `<code>${escapeHtml(node.text)}</code>`;
        case 'bold':
          return `<strong>${renderInline(node.children)}</strong>`;
        case 'italic':
          return `<em>${renderInline(node.children)}</em>`;
        case 'strike':
          return `<del>${renderInline(node.children)}</del>`;
        case 'link': {
          const href = node.href.startsWith('www.') ? `https://${node.href}` : node.href;
          const label = renderInline(node.children);
          if (!LINK_SCHEME.test(href)) return `${label} (${escapeHtml(href)})`;
          return `<a href="${escapeHtml(href)}">${label}</a>`;
        }
      }
    })
    .join('');
}

const line = (text: string) => renderInline(parseInline(text));

/** One block as HTML; `block` says whether it ends its own line (no `<br>` after it). */
function renderBlock(block: Block): { html: string; block: boolean } {
  switch (block.type) {
    case 'blank':
      return { html: '', block: false };
    case 'text':
      // A paragraph may hold several lines; each keeps its break.
      return { html: block.text.split('\n').map(line).join('<br>'), block: false };
    case 'heading': {
      const level = Math.min(Math.max(block.level, 1), 6);
      return { html: `<h${level}>${line(block.text)}</h${level}>`, block: true };
    }
    case 'code': {
      const language = block.language?.replace(/[^\w+#.-]/g, '');
      const attribute = language ? ` class="language-${language}"` : '';
      return { html: `<pre><code${attribute}>${escapeHtml(block.text)}</code></pre>`, block: true };
    }
    case 'quote':
      return {
        html: `<blockquote>${block.lines.map(line).join('<br>')}</blockquote>`,
        block: true,
      };
    case 'list-item': {
      const bullet =
        block.checked === undefined ? (block.marker ?? '•') : block.checked ? '☑' : '☐';
      return {
        html: `${'&nbsp;&nbsp;'.repeat(block.depth)}${bullet} ${line(block.text)}`,
        block: false,
      };
    }
    case 'rule':
      return { html: '<hr>', block: true };
    case 'table':
      return { html: `<pre>${escapeHtml(block.lines.join('\n'))}</pre>`, block: true };
  }
}

/** Convert model Markdown to Matrix `formatted_body` HTML. */
export function markdownToMatrixHtml(markdown: string): string {
  const rendered = parseBlocks(markdown).map(renderBlock);
  let html = '';
  rendered.forEach((piece, index) => {
    html += piece.html;
    const previous = piece;
    const next = rendered[index + 1];
    // Block elements break the line themselves; text lines need an explicit <br>.
    if (next !== undefined && !previous.block && !next.block) html += '<br>';
  });
  return html;
}
