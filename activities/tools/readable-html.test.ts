import { describe, expect, it } from 'vitest';
import { readableHtml } from './readable-html.js';

describe('readableHtml', () => {
  it('resolves links against <base href>, drops inline images and javascript: links', () => {
    const html =
      '<html><head><base href="https://cdn.example/x/"></head><body><p>See <a href="y">y</a> ' +
      '<img src="data:image/png;base64,AAAA" alt="inline"> <img src="i.png" alt="photo"> ' +
      '<a href="javascript:alert(1)">run</a></p></body></html>';
    expect(readableHtml(html, 'https://example.com/', 'markdown').content).toBe(
      'See [y](https://cdn.example/x/y) inline ![photo](https://cdn.example/x/i.png) run',
    );
  });

  it('reads a fragment without <html>, and an empty page', () => {
    expect(readableHtml('plain <b>bold</b> words', 'https://example.com/', 'text')).toEqual({
      title: undefined,
      content: 'plain bold words',
    });
    expect(readableHtml('', 'https://example.com/', 'markdown').content).toBe('');
  });

  it('keeps code blocks as fenced markdown, or as bare text', () => {
    const html =
      '<html><body><p>Run this:</p><pre><code>npm test\nnpm run lint</code></pre></body></html>';
    expect(readableHtml(html, 'https://example.com/', 'markdown').content).toContain(
      '```\nnpm test\nnpm run lint\n```',
    );
    expect(readableHtml(html, 'https://example.com/', 'text').content).toBe(
      'Run this:\n\nnpm test\nnpm run lint',
    );
  });
});
