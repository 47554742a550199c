// The part of JSON Schema the config form reads and checks: what zod's toJSONSchema emits
// for clawdbot.json (types, enums, bounds, patterns, strict objects, records, arrays).
// Anything else is edited as JSON and left for the gateway to judge on save.

/** A JSON Schema node (the keywords the form understands). */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** A problem at a path of the checked value. */
export interface SchemaIssue {
  path: string[];
  message: string;
}

/** The one type a node names (ignoring "null" of nullable ones). */
export function typeOf(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((type) => type !== 'null');
  return schema.type;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

/**
 * Problems of `value` against `schema`. `skip(value)` exempts a value from the checks
 * (the redaction marker of a secret the form did not change: the gateway keeps the real one).
 */
export function checkSchema(
  schema: JsonSchema,
  value: unknown,
  skip: (value: unknown) => boolean = () => false,
  path: string[] = [],
): SchemaIssue[] {
  if (skip(value)) return [];
  const issue = (message: string) => [{ path, message }];
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined) {
    const fits = alternatives.some((option) => checkSchema(option, value, skip, path).length === 0);
    return fits ? [] : issue('matches none of the allowed shapes');
  }
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (types.length > 0 && !types.some((type) => typeMatches(type, value)))
    return issue(`expected ${types.join(' or ')}`);
  if (schema.const !== undefined && value !== schema.const)
    return issue(`must be ${JSON.stringify(schema.const)}`);
  if (schema.enum !== undefined && !schema.enum.includes(value))
    return issue(`one of ${schema.enum.map((item) => JSON.stringify(item)).join(', ')}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      return issue(`at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      return issue(`at most ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      return issue(`above ${schema.exclusiveMinimum}`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
      return issue(`below ${schema.exclusiveMaximum}`);
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      return issue(
        schema.minLength === 1 ? 'must not be empty' : `at least ${schema.minLength} characters`,
      );
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      return issue(`at most ${schema.maxLength} characters`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
      return issue(`does not match ${schema.pattern}`);
    if (schema.format === 'uri' || schema.format === 'url') {
      try {
        new URL(value);
      } catch {
        return issue('expected a URL');
      }
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      return issue(`at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      return issue(`at most ${schema.maxItems} items`);
    const items = schema.items;
    if (items !== undefined)
      return value.flatMap((item, index) =>
        checkSchema(items, item, skip, [...path, String(index)]),
      );
  }
  if (isObject(value)) {
    const issues: SchemaIssue[] = [];
    for (const key of schema.required ?? [])
      if (!(key in value)) issues.push({ path: [...path, key], message: 'required' });
    for (const [key, item] of Object.entries(value)) {
      const known = schema.properties?.[key];
      if (known !== undefined) {
        issues.push(...checkSchema(known, item, skip, [...path, key]));
      } else if (schema.additionalProperties === false) {
        issues.push({ path: [...path, key], message: 'is not a known setting' });
      } else if (typeof schema.additionalProperties === 'object') {
        if (schema.propertyNames !== undefined)
          issues.push(
            ...checkSchema(schema.propertyNames, key, skip, [...path, key]).map((found) => ({
              ...found,
              message: `key ${found.message}`,
            })),
          );
        issues.push(...checkSchema(schema.additionalProperties, item, skip, [...path, key]));
      }
    }
    return issues;
  }
  return [];
}
