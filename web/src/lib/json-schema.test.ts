import { describe, expect, it } from 'vitest';
import { checkSchema, type JsonSchema } from './json-schema.js';

const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    model: { type: 'string', pattern: '^(anthropic|openai)\\/.+$' },
    mode: { type: 'string', enum: ['a', 'b'] },
    token: { type: 'string', minLength: 8 },
    list: { type: 'array', items: { type: 'string', minLength: 1 } },
    entries: {
      type: 'object',
      propertyNames: { type: 'string', pattern: '^[a-z]+$' },
      additionalProperties: { type: 'object', properties: { on: { type: 'boolean' } } },
    },
  },
};

describe('checkSchema', () => {
  it('accepts a valid document', () => {
    expect(
      checkSchema(schema, {
        port: 8080,
        model: 'openai/gpt',
        mode: 'a',
        list: ['x'],
        entries: { abc: { on: true } },
      }),
    ).toEqual([]);
  });

  it('names the path and the rule of each problem', () => {
    expect(
      checkSchema(schema, {
        port: 70000,
        model: 'gpt',
        mode: 'c',
        list: ['ok', ''],
        entries: { ABC: { on: 'yes' } },
        extra: 1,
      }),
    ).toEqual([
      { path: ['port'], message: 'at most 65535' },
      { path: ['model'], message: 'does not match ^(anthropic|openai)\\/.+$' },
      { path: ['mode'], message: 'one of "a", "b"' },
      { path: ['list', '1'], message: 'must not be empty' },
      { path: ['entries', 'ABC'], message: 'key does not match ^[a-z]+$' },
      { path: ['entries', 'ABC', 'on'], message: 'expected boolean' },
      { path: ['extra'], message: 'is not a known setting' },
    ]);
  });

  it('skips values the caller exempts (a redacted secret)', () => {
    const redacted = (value: unknown) => value === 'REDACTED';
    expect(checkSchema(schema, { token: 'REDACTED' }, redacted)).toEqual([]);
    expect(checkSchema(schema, { token: 'short' }, redacted)).toEqual([
      { path: ['token'], message: 'at least 8 characters' },
    ]);
  });
});
