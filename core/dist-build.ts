/**
 * True in the copy of this module that scripts/build-dist.mjs compiles into dist/ (the
 * build replaces this file's contents), false when the sources run through tsx or vitest.
 * What differs between the two: bundled plugins run from dist too (core/plugins/import-entry.ts).
 */
export const compiledIntoDist: boolean = false;
