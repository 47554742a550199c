import { describe, expect, it } from 'vitest';
import { markdownToMatrixHtml } from './markdown-matrix.js';

describe('markdownToMatrixHtml', () => {
  it('renders emphasis, code and links with tags from the spec list, escaping text', () => {
    expect(markdownToMatrixHtml('**bold** _it_ ~~gone~~ `a<b` [site](https://x.org) & co')).toBe(
      '<strong>bold</strong> <em>it</em> <del>gone</del> <code>a&lt;b</code> <a href="https://x.org">site</a> &amp; co',
    );
  });

  it('joins text lines with <br> but not around block elements', () => {
    expect(markdownToMatrixHtml('one\ntwo\n```js\nx < 1\n```\nthree')).toBe(
      'one<br>two<pre><code class="language-js">x &lt; 1</code></pre>three',
    );
  });

  it('never makes a javascript: link clickable', () => {
    expect(markdownToMatrixHtml('[click](javascript:alert(1))')).not.toContain('<a ');
  });
});
