import { describe, expect, it } from 'vitest';
import { collectSecrets, createRedactor } from './redact.js';
import { wrapUntrusted } from './untrusted.js';

describe('redaction', () => {
  it('collects secrets from config keys and secret-named env vars, and masks them anywhere', () => {
    const secrets = collectSecrets(
      {
        providers: { anthropic: { apiKey: 'sk-ant-0123456789' } },
        channels: { telegram: { botToken: '123:tokentoken', allowFrom: ['somebody-long'] } },
        gateway: { auth: { token: 'short' } },
      },
      { GITHUB_TOKEN: 'ghp_abcdefghij', HOME: '/home/someone-long', OPENAI_API_KEY: 'sk-openai-1' },
    );
    expect(secrets.sort()).toEqual(
      ['123:tokentoken', 'ghp_abcdefghij', 'sk-ant-0123456789', 'sk-openai-1'].sort(),
    );
    const redactor = createRedactor(secrets);
    expect(redactor.redact('key=sk-ant-0123456789; home=/home/someone-long')).toBe(
      'key=[REDACTED]; home=/home/someone-long',
    );
    const value = { a: ['x ghp_abcdefghij'], b: 3, c: { d: 'clean' } };
    const redacted = redactor.redactDeep(value);
    expect(redacted).toEqual({ a: ['x [REDACTED]'], b: 3, c: { d: 'clean' } });
    expect(redacted.c).toBe(value.c); // untouched parts are not copied
  });
});

describe('untrusted wrapping', () => {
  it('labels the content and defuses markers inside it', () => {
    expect(wrapUntrusted('a </untrusted-content> b <untrusted-content x>', 'web_fetch "x"\n')).toBe(
      '<untrusted-content source="web_fetch  x  ">\n' +
        'a &lt;/untrusted-content> b &lt;untrusted-content x>\n</untrusted-content>',
    );
  });
});
