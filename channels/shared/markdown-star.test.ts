import { describe, expect, it } from 'vitest';
import { googleChatLink, markdownToStarMarkup, plainLink } from './markdown-star.js';

describe('Markdown → WhatsApp / Google Chat markup', () => {
  it('turns Markdown emphasis into single marks and headings into bold', () => {
    expect(markdownToStarMarkup('# Title\n**bold** *it* ~~gone~~ `x`')).toBe(
      '*Title*\n*bold* _it_ ~gone~ `x`',
    );
  });

  it('does not nest a mark inside itself (it would close early)', () => {
    expect(markdownToStarMarkup('## A **b** c')).toBe('*A b c*');
  });

  it('keeps code blocks and turns tables into code blocks', () => {
    expect(markdownToStarMarkup('```ts\nconst a = 1;\n```')).toBe('```\nconst a = 1;\n```');
    expect(markdownToStarMarkup('| a | b |\n|---|---|\n| 1 | 2 |')).toBe(
      '```\n| a | b |\n|---|---|\n| 1 | 2 |\n```',
    );
  });

  it('writes links per platform', () => {
    const markdown = 'see [the docs](https://example.com/d) or https://example.com';
    expect(markdownToStarMarkup(markdown, plainLink)).toBe(
      'see the docs (https://example.com/d) or https://example.com',
    );
    expect(markdownToStarMarkup(markdown, googleChatLink)).toBe(
      'see <https://example.com/d|the docs> or https://example.com',
    );
  });
});
