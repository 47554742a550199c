import { describe, expect, it } from 'vitest';
import { ClawdbotError } from '../errors.js';
import {
  assertValidSessionId,
  buildSessionKey,
  isValidSessionId,
  isValidSessionKey,
  newSessionId,
  normalizeSessionKey,
  parseSessionKey,
} from './session-key.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof ClawdbotError ? error.code : 'not a ClawdbotError';
  }
  return undefined;
}

describe('session keys', () => {
  it('parses agent id and rest, keeping colons in the rest', () => {
    expect(parseSessionKey('agent:main:main')).toEqual({ agentId: 'main', rest: 'main' });
    expect(parseSessionKey('agent:main:telegram:dm:123')).toEqual({
      agentId: 'main',
      rest: 'telegram:dm:123',
    });
  });

  it('builds keys from parts', () => {
    expect(buildSessionKey('main', 'telegram', 'dm', '123')).toBe('agent:main:telegram:dm:123');
    expect(codeOf(() => buildSessionKey('a:b', 'main'))).toBe('INVALID_REQUEST');
  });

  it('normalises bare keys and passes full ones through', () => {
    expect(normalizeSessionKey('main')).toBe('agent:main:main');
    expect(normalizeSessionKey('  telegram:dm:1 ')).toBe('agent:main:telegram:dm:1');
    expect(normalizeSessionKey('main', 'work')).toBe('agent:work:main');
    expect(normalizeSessionKey('agent:work:x')).toBe('agent:work:x');
  });

  it.each([
    ['empty', ''],
    ['too long', `agent:main:${'x'.repeat(250)}`],
    ['newline', 'agent:main:a\nb'],
    ['NUL', 'agent:main:a\u0000'],
    ['DEL', 'agent:main:a\u007f'],
    ['C1 control', 'agent:main:a\u0085'],
    ['no prefix', 'main:main'],
    ['no rest', 'agent:main'],
    ['empty agent id', 'agent::main'],
    ['empty rest', 'agent:main:'],
  ])('rejects %s', (_name, key) => {
    expect(isValidSessionKey(key)).toBe(false);
    expect(codeOf(() => parseSessionKey(key))).toBe('INVALID_REQUEST');
  });

  it('rejects keys that normalise to nothing or too much', () => {
    expect(codeOf(() => normalizeSessionKey('   '))).toBe('INVALID_REQUEST');
    expect(codeOf(() => normalizeSessionKey('x'.repeat(300)))).toBe('INVALID_REQUEST');
    expect(codeOf(() => normalizeSessionKey('agent:main'))).toBe('INVALID_REQUEST');
  });

  it('accepts a key of exactly the maximum length', () => {
    expect(isValidSessionKey(`agent:main:${'x'.repeat(256 - 11)}`)).toBe(true);
  });
});

describe('session ids', () => {
  it('accepts UUIDs and rejects path-like or reserved names', () => {
    expect(isValidSessionId(newSessionId())).toBe(true);
    for (const id of ['', '..', '../x', 'a/b', 'index', 'Deleted', '.hidden']) {
      expect(isValidSessionId(id)).toBe(false);
    }
    expect(codeOf(() => assertValidSessionId('../etc'))).toBe('INVALID_REQUEST');
  });
});
