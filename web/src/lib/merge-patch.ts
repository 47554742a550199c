// Edits to the config travel as RFC 7396 merge patches (config.patch): this computes the
// patch that turns one document into another, so the raw editor and the form send only
// what changed, and a key removed in the editor is removed in the file (null).

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The merge patch from `before` to `after` (both JSON objects); `{}` when they are equal. */
export function diffMergePatch(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(before)) if (!(key in after)) patch[key] = null;
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (same(old, value)) continue;
    // Objects merge key by key; anything else (arrays too) is replaced whole. An object
    // where there was none is sent whole: merging into a non-object starts from {}.
    patch[key] = isObject(old) && isObject(value) ? diffMergePatch(old, value) : value;
  }
  return patch;
}

/** Whether a patch changes nothing. */
export function isEmptyPatch(patch: Record<string, unknown>): boolean {
  return Object.keys(patch).length === 0;
}
