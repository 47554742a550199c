/**
 * `{{...}}` templates over a hook request, as OpenClaw's hook mappings write them:
 * `{{body.sender}}` (or bare `{{sender}}`, `{{payload.sender}}`), `{{messages[0].subject}}`,
 * `{{headers.x-github-event}}`, `{{query.ref}}`, `{{path}}`, `{{id}}`, `{{now}}`. A missing
 * value renders empty; an object renders as JSON.
 */

/** What a template can read. */
export interface TemplateScope {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string>;
  path: string;
  id: string;
  now: string;
}

const placeholder = /\{\{\s*([^{}]+?)\s*\}\}/g;

/** `a.b[0].c` → ['a', 'b', '0', 'c']. */
function segments(expression: string): string[] {
  return expression
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((part) => part !== '');
}

function lookup(scope: TemplateScope, expression: string): unknown {
  const [root, ...rest] = segments(expression);
  if (root === undefined) return undefined;
  let value: unknown;
  switch (root) {
    case 'body':
    case 'payload':
      value = scope.body;
      break;
    case 'headers':
      // Header names are case-insensitive; Node gives them in lower case.
      return rest.length === 1 ? scope.headers[rest[0]!.toLowerCase()] : undefined;
    case 'query':
      return rest.length === 1 ? scope.query[rest[0]!] : undefined;
    case 'path':
    case 'id':
    case 'now':
      return rest.length === 0 ? scope[root] : undefined;
    default:
      // A bare name reads the body, as OpenClaw's mappings do.
      value = (scope.body as Record<string, unknown> | null | undefined)?.[root];
  }
  for (const key of rest) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    return value.join(', ');
  return JSON.stringify(value);
}

/** Render `template`; `escape` rewrites each substituted value (not the template's own text). */
export function renderTemplate(
  template: string,
  scope: TemplateScope,
  escape: (value: string) => string = (value) => value,
): string {
  return template.replace(placeholder, (_match, expression: string) =>
    escape(text(lookup(scope, expression))),
  );
}

/**
 * A value placed in a session key: the sender of a request chooses it, so it is kept to a
 * safe alphabet and length (it becomes part of workflow ids and file names).
 */
export function sessionKeyPart(value: string): string {
  return value.replace(/[^A-Za-z0-9._@+-]/g, '-').slice(0, 64);
}
