import { describe, expect, it } from 'vitest';
import { mergePatch } from '../../../gateway/methods/config-document.js';
import { diffMergePatch, isEmptyPatch } from './merge-patch.js';

describe('diffMergePatch', () => {
  it('sends changes only, nulls removed keys, replaces arrays whole', () => {
    const before = { a: { b: 1, c: 2 }, list: [1, 2], gone: true, same: 'x' };
    const after = { a: { b: 1, c: 3, d: 4 }, list: [1], same: 'x', added: { e: 5 } };
    const patch = diffMergePatch(before, after);
    expect(patch).toEqual({ gone: null, a: { c: 3, d: 4 }, list: [1], added: { e: 5 } });
    // Applied by the gateway's own merge, it gives back the edited document.
    expect(mergePatch(before, patch)).toEqual(after);
  });

  it('is empty when nothing changed', () => {
    expect(isEmptyPatch(diffMergePatch({ a: [1], b: { c: 1 } }, { b: { c: 1 }, a: [1] }))).toBe(
      true,
    );
  });
});
