/**
 * Model Markdown → Slack mrkdwn. Slack's own syntax differs from Markdown (`*bold*`,
 * `_italic_`, `~strike~`, `<url|text>`), and it treats `&`, `<` and `>` as control
 * characters that must be sent as `&amp;`, `&lt;` and `&gt;` (Slack's formatting reference);
 * only those three are escaped, as Slack asks. Mentions the model wrote in Slack's own
 * form (`<@U123>`, `<#C123>`, `<!here>`) are kept so they still notify.
 */
import { inlineText, parseBlocks, parseInline, type Block, type Inline } from './markdown-parse.js';

const SLACK_TOKEN =
  /<(?:[@#][A-Z0-9]+(?:\|[^<>]*)?|!(?:here|channel|everyone)|!subteam\^[A-Z0-9]+)>/g;

/** Escape `&`, `<`, `>` as Slack documents. */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escape text but keep Slack mention tokens intact. */
function escapeKeepingMentions(text: string): string {
  let result = '';
  let last = 0;
  for (const match of text.matchAll(SLACK_TOKEN)) {
    result += escapeSlackText(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return result + escapeSlackText(text.slice(last));
}

const MARKS = { bold: '*', italic: '_', strike: '~' } as const;

function renderInline(nodes: Inline[], open: readonly string[] = []): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
          return escapeKeepingMentions(node.text);
        case 'code':
          // Slack has no way to show a backtick inside inline code; drop them there.
          return `\`${escapeSlackText(node.text.replace(/`/g, "'"))}\``;
        case 'bold':
        case 'italic':
        case 'strike': {
          const mark = MARKS[node.type];
          const inner = renderInline(node.children, [...open, mark]);
          return open.includes(mark) ? inner : `${mark}${inner}${mark}`;
        }
        case 'link': {
          const label = inlineText(node.children);
          const href = node.href.startsWith('www.') ? `https://${node.href}` : node.href;
          if (!/^(?:https?|mailto):/i.test(href)) {
            return label === href
              ? escapeSlackText(label)
              : `${escapeSlackText(label)} (${escapeSlackText(href)})`;
          }
          // `|` ends the URL part of a Slack link, so a literal one is percent-encoded.
          const target = escapeSlackText(href.replace(/\|/g, '%7C'));
          return label === node.href || label === href
            ? `<${target}>`
            : `<${target}|${escapeSlackText(label)}>`;
        }
      }
    })
    .join('');
}

function renderBlock(block: Block): string {
  switch (block.type) {
    case 'blank':
      return '';
    case 'text':
      return renderInline(parseInline(block.text));
    case 'heading':
      return `*${renderInline(parseInline(block.text), ['*'])}*`;
    case 'code':
      return `\`\`\`\n${escapeSlackText(block.text)}\n\`\`\``;
    case 'quote':
      return block.lines.map((quoted) => `> ${renderInline(parseInline(quoted))}`).join('\n');
    case 'list-item': {
      const bullet =
        block.checked === undefined ? (block.marker ?? '•') : block.checked ? '☑' : '☐';
      return `${'    '.repeat(block.depth)}${bullet} ${renderInline(parseInline(block.text))}`;
    }
    case 'rule':
      return '──────────';
    case 'table':
      // mrkdwn has no tables; a code block keeps the columns aligned.
      return `\`\`\`\n${escapeSlackText(block.lines.join('\n'))}\n\`\`\``;
  }
}

/** Convert model Markdown to Slack mrkdwn. */
export function markdownToSlackMrkdwn(markdown: string): string {
  return parseBlocks(markdown).map(renderBlock).join('\n');
}
