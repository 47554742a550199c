import { describe, expect, it } from 'vitest';
import { markdownToTelegramHtml } from './markdown-telegram.js';

/**
 * Check HTML against Telegram's documented rules: only its tags, every tag closed in order,
 * no `<`/`>` outside tags, `&` only in entities, code/pre hold nothing, quotes do not nest,
 * links hold no link or code. Returns the problems found.
 */
function telegramProblems(html: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const token = /<(\/?)([a-z-]+)((?:\s+[a-z]+="[^"<>]*")*)>|[<>]|&(?!(?:amp|lt|gt|quot);)/g;
  for (const match of html.matchAll(token)) {
    if (match[2] === undefined) {
      problems.push(`stray ${match[0]} at ${match.index}`);
      continue;
    }
    const [, closing, tag, attributes] = match;
    if (!['b', 'i', 's', 'u', 'code', 'pre', 'a', 'blockquote'].includes(tag)) {
      problems.push(`unsupported tag ${tag}`);
    }
    if (closing) {
      if (stack.pop() !== tag) problems.push(`unbalanced </${tag}>`);
      continue;
    }
    if (tag === 'a' && !/^ href="[^"]+"$/.test(attributes ?? '')) problems.push('a without href');
    if (tag === 'code' && attributes && stack.at(-1) !== 'pre') problems.push('code with class');
    const parent = stack.at(-1);
    if (parent === 'code' || (parent === 'pre' && tag !== 'code'))
      problems.push(`${tag} in ${parent}`);
    if (tag === 'blockquote' && stack.includes('blockquote')) problems.push('nested blockquote');
    if (
      (tag === 'a' || tag === 'code') &&
      stack.some((open) => ['a', 'blockquote'].includes(open))
    ) {
      problems.push(`${tag} inside ${stack.join('>')}`);
    }
    stack.push(tag);
  }
  if (stack.length > 0) problems.push(`unclosed ${stack.join(',')}`);
  return problems;
}

describe('markdownToTelegramHtml', () => {
  it('converts inline marks to Telegram tags', () => {
    expect(markdownToTelegramHtml('**bold** and *it* and _it2_ and ~~gone~~ and `x<y`')).toBe(
      '<b>bold</b> and <i>it</i> and <i>it2</i> and <s>gone</s> and <code>x&lt;y</code>',
    );
    expect(markdownToTelegramHtml('***both***')).toBe('<b><i>both</i></b>');
  });

  it('keeps the lines of a paragraph, and marks that span them', () => {
    expect(markdownToTelegramHtml('one **bold\nacross** lines\nthree')).toBe(
      'one <b>bold\nacross</b> lines\nthree',
    );
  });

  it('escapes &, < and > in text', () => {
    expect(markdownToTelegramHtml('a < b && c > d <script>')).toBe(
      'a &lt; b &amp;&amp; c &gt; d &lt;script&gt;',
    );
  });

  it('makes links anchors and escapes their href', () => {
    expect(markdownToTelegramHtml('see [the docs](https://x.test/a?b=1&c="2")')).toBe(
      'see <a href="https://x.test/a?b=1&amp;c=&quot;2&quot;">the docs</a>',
    );
    expect(markdownToTelegramHtml('<https://x.test>')).toBe(
      '<a href="https://x.test">https://x.test</a>',
    );
    // A scheme Telegram does not accept would fail the message: the URL is shown instead.
    expect(markdownToTelegramHtml('[run](javascript:alert)')).toBe('run (javascript:alert)');
  });

  it('writes code blocks as pre, with the language as documented', () => {
    expect(markdownToTelegramHtml('```python\nprint("<hi>")\n```')).toBe(
      '<pre><code class="language-python">print("&lt;hi&gt;")</code></pre>',
    );
    expect(markdownToTelegramHtml('```\n**not bold**\n```')).toBe('<pre>**not bold**</pre>');
  });

  it('turns headings into bold lines and lists into bullet lines', () => {
    expect(markdownToTelegramHtml('# Title\n\n- one\n  - two **b**\n1. first\n- [x] done')).toBe(
      '<b>Title</b>\n\n• one\n  • two <b>b</b>\n1. first\n☑ done',
    );
    expect(markdownToTelegramHtml('## **Already bold**')).toBe('<b>Already bold</b>');
  });

  it('groups quoted lines into one blockquote', () => {
    expect(markdownToTelegramHtml('> first\n> *second*\n\nafter')).toBe(
      '<blockquote>first\n<i>second</i></blockquote>\n\nafter',
    );
  });

  it('leaves snake_case, URLs with underscores and lone marks alone', () => {
    expect(markdownToTelegramHtml('call my_func_name at https://x.test/a_b_c and 2 * 3')).toBe(
      'call my_func_name at https://x.test/a_b_c and 2 * 3',
    );
    expect(markdownToTelegramHtml('an **unclosed bold')).toBe('an **unclosed bold');
    expect(markdownToTelegramHtml('\\*literal\\*')).toBe('*literal*');
  });

  it('keeps the documented nesting rules', () => {
    const html = markdownToTelegramHtml(
      '**bold `code` [link `c`](https://x.test)**\n> quote [l](https://x.test) `c`',
    );
    expect(telegramProblems(html)).toEqual([]);
  });

  it('always produces HTML Telegram accepts, whatever the model wrote', () => {
    const pieces = [
      '**',
      '*',
      '_',
      '__',
      '~~',
      '`',
      '```',
      '```js\n',
      '\n',
      '\n\n',
      '# ',
      '> ',
      '- ',
      '1. ',
      '[',
      ']',
      '(',
      ')',
      '](https://x.test)',
      '<',
      '>',
      '&',
      '"',
      'word',
      ' ',
      '\\',
      '|',
      '---',
      'https://a.test/x_y',
      '<https://b.test>',
      '![img](https://c.test/i.png)',
    ];
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let sample = 0; sample < 2000; sample += 1) {
      const length = 1 + Math.floor(random() * 30);
      const markdown = Array.from(
        { length },
        () => pieces[Math.floor(random() * pieces.length)] ?? '',
      ).join('');
      const problems = telegramProblems(markdownToTelegramHtml(markdown));
      expect(problems, markdown).toEqual([]);
    }
  });
});
