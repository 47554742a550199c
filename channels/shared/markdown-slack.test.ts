import { describe, expect, it } from 'vitest';
import { markdownToSlackMrkdwn } from './markdown-slack.js';

describe('markdownToSlackMrkdwn', () => {
  it('converts inline marks to mrkdwn', () => {
    expect(markdownToSlackMrkdwn('**bold**, *it*, _it2_, ~~gone~~ and `code`')).toBe(
      '*bold*, _it_, _it2_, ~gone~ and `code`',
    );
    expect(markdownToSlackMrkdwn('***both***')).toBe('*_both_*');
  });

  it('escapes &, < and > as Slack documents, in text and in code', () => {
    expect(markdownToSlackMrkdwn('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(markdownToSlackMrkdwn('`x<y`')).toBe('`x&lt;y`');
    expect(markdownToSlackMrkdwn('```\nif (a < b) {}\n```')).toBe('```\nif (a &lt; b) {}\n```');
  });

  it('keeps Slack mentions the model wrote', () => {
    expect(markdownToSlackMrkdwn('hi <@U123ABC> in <#C42> <!here> & <b>')).toBe(
      'hi <@U123ABC> in <#C42> <!here> &amp; &lt;b&gt;',
    );
  });

  it('writes links as <url|text>', () => {
    expect(markdownToSlackMrkdwn('see [the docs](https://x.test/?a=1&b=2)')).toBe(
      'see <https://x.test/?a=1&amp;b=2|the docs>',
    );
    expect(markdownToSlackMrkdwn('<https://x.test>')).toBe('<https://x.test>');
    expect(markdownToSlackMrkdwn('[**bold** label](https://x.test)')).toBe(
      '<https://x.test|bold label>',
    );
    expect(markdownToSlackMrkdwn('[file](./a.txt)')).toBe('file (./a.txt)');
  });

  it('turns headings into bold, lists into bullets and keeps quotes', () => {
    expect(markdownToSlackMrkdwn('# Title **x**\n- one\n  - two\n2. second\n> quoted _q_')).toBe(
      '*Title x*\n• one\n    • two\n2. second\n> quoted _q_',
    );
  });

  it('drops the code block language Slack does not show', () => {
    expect(markdownToSlackMrkdwn('```ts\nconst a = 1;\n```')).toBe('```\nconst a = 1;\n```');
  });

  it('leaves unclosed marks and snake_case alone', () => {
    expect(markdownToSlackMrkdwn('**open and my_var_name')).toBe('**open and my_var_name');
  });
});
