/**
 * Model Markdown → plain text, for platforms that show no markup (LINE): emphasis markers
 * dropped, links as "label (url)", code fences removed with their code kept, bullets kept.
 */
import { inlineText, parseBlocks, parseInline, type Block, type Inline } from './markdown-parse.js';

function renderInline(nodes: Inline[]): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
        case 'code':
          return node.text;
        case 'bold':
        case 'italic':
        case 'strike':
          return renderInline(node.children);
        case 'link': {
          const label = renderInline(node.children);
          return node.href === inlineText(node.children) ? label : `${label} (${node.href})`;
        }
      }
    })
    .join('');
}

const line = (text: string) => renderInline(parseInline(text));

function renderBlock(block: Block): string {
  switch (block.type) {
    case 'blank':
      return '';
    case 'text':
    case 'heading':
      return line(block.text);
    case 'code':
      return block.text;
    case 'quote':
      return block.lines.map((quoted) => `> ${line(quoted)}`).join('\n');
    case 'list-item': {
      const bullet =
        block.checked === undefined ? (block.marker ?? '•') : block.checked ? '☑' : '☐';
      return `${'  '.repeat(block.depth)}${bullet} ${line(block.text)}`;
    }
    case 'rule':
      return '──────────';
    case 'table':
      return block.lines.join('\n');
  }
}

/** Convert model Markdown to readable plain text. */
export function markdownToPlainText(markdown: string): string {
  return parseBlocks(markdown).map(renderBlock).join('\n');
}
