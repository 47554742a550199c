/**
 * Model Markdown → Telegram Bot API HTML (`parse_mode: "HTML"`). Telegram rejects a whole
 * message over one bad tag, so the output uses only tags from its documented list (b, i,
 * s, code, pre, a, blockquote), is built from a tree so tags always balance, escapes every
 * `&`, `<` and `>` of the text, and keeps the documented nesting rules: pre and code hold
 * no other entity, blockquotes do not nest, and "all other entities can't contain each
 * other" (so no code or link inside a link or quote, no code inside bold or italic).
 */
import { inlineText, parseBlocks, parseInline, type Block, type Inline } from './markdown-parse.js';

/** Escape text for Telegram HTML (the three characters its parser requires escaped). */
export function escapeTelegramHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const escapeAttribute = (text: string) => escapeTelegramHtml(text).replace(/"/g, '&quot;');

// Telegram accepts these schemes in <a href>; anything else would fail the whole message.
const LINK_SCHEME = /^(?:https?:\/\/|tg:\/\/|mailto:)/i;

/** Where an inline node sits: which entities its context forbids it to be. */
interface Context {
  /** Inside b/i/s: code may not be nested (documented rule). */
  styled: boolean;
  /** Inside a link or a blockquote: no code, no link. */
  plainOnly: boolean;
  /** Style tags already open: the same tag inside one adds nothing, so it is left out. */
  open?: readonly string[];
}

function renderInline(nodes: Inline[], context: Context): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
          return escapeTelegramHtml(node.text);
        case 'code':
          return context.styled || context.plainOnly
            ? escapeTelegramHtml(node.text)
            : `<code>${escapeTelegramHtml(node.text)}</code>`;
        case 'bold':
        case 'italic':
        case 'strike': {
          const tag = node.type === 'bold' ? 'b' : node.type === 'italic' ? 'i' : 's';
          const open = context.open ?? [];
          const inner = renderInline(node.children, {
            ...context,
            styled: true,
            open: [...open, tag],
          });
          return open.includes(tag) ? inner : `<${tag}>${inner}</${tag}>`;
        }
        case 'link': {
          const label = renderInline(node.children, { ...context, plainOnly: true });
          const href = node.href.startsWith('www.') ? `https://${node.href}` : node.href;
          if (!LINK_SCHEME.test(href) || context.plainOnly) {
            // An unknown scheme would fail the whole message; show where the link points.
            const shown = escapeTelegramHtml(href);
            return href === inlineText(node.children) ? label : `${label} (${shown})`;
          }
          return `<a href="${escapeAttribute(href)}">${label}</a>`;
        }
      }
    })
    .join('');
}

const TOP: Context = { styled: false, plainOnly: false };
const line = (text: string, context: Context = TOP) => renderInline(parseInline(text), context);

function renderBlock(block: Block): string {
  switch (block.type) {
    case 'blank':
      return '';
    case 'text':
      return line(block.text);
    case 'heading':
      return `<b>${line(block.text, { styled: true, plainOnly: false, open: ['b'] })}</b>`;
    case 'code': {
      const code = escapeTelegramHtml(block.text);
      const language = block.language?.replace(/[^\w+#.-]/g, '');
      return language
        ? `<pre><code class="language-${language}">${code}</code></pre>`
        : `<pre>${code}</pre>`;
    }
    case 'quote':
      return `<blockquote>${block.lines
        .map((quoted) => line(quoted, { styled: false, plainOnly: true }))
        .join('\n')}</blockquote>`;
    case 'list-item': {
      const bullet =
        block.checked === undefined ? (block.marker ?? '•') : block.checked ? '☑' : '☐';
      return `${'  '.repeat(block.depth)}${bullet} ${line(block.text)}`;
    }
    case 'rule':
      return '──────────';
    case 'table':
      // Telegram has no tables; monospace keeps the columns aligned.
      return `<pre>${escapeTelegramHtml(block.lines.join('\n'))}</pre>`;
  }
}

/** Convert model Markdown to Telegram HTML that the Bot API accepts. */
export function markdownToTelegramHtml(markdown: string): string {
  return parseBlocks(markdown).map(renderBlock).join('\n');
}
