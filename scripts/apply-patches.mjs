#!/usr/bin/env node
// Applies the version-pinned patches in patches/ to installed npm packages (postinstall).
// Each patch names its package and exact version and lists exact text edits; this script
// refuses (exit 1, naming the file and the edit) when the version or any text differs, so
// an SDK upgrade cannot silently run unpatched or half-patched code. Applying twice is a
// no-op. Plain JavaScript with no dependencies: it runs right after `npm install`.
//   node scripts/apply-patches.mjs [--check] [--root DIR]
//     --check   change nothing; exit 1 when a patch is not fully applied
//     --root    the folder holding node_modules (default: this checkout)
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: { check: { type: 'boolean', default: false }, root: { type: 'string' } },
});
const root = args.root ?? join(here, '..');
const patchesDir = join(here, '..', 'patches');

/** Thrown when a patch does not fit the installed package. */
class PatchMismatchError extends Error {
  code = 'PATCH_MISMATCH';
}

function count(text, part) {
  return text.split(part).length - 1;
}

/** The new text of every file a patch touches, or null per file already patched. */
function plan(patch, packageDir) {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  if (manifest.version !== patch.version)
    throw new PatchMismatchError(
      `${patch.name}: ${patch.packageName} is ${manifest.version}, the patch is for ${patch.version} only; port the patch (or drop it if the SDK fixed the cause)`,
    );
  const texts = new Map();
  const changed = new Set();
  for (const [file, content] of Object.entries(patch.files)) {
    const path = join(packageDir, file);
    texts.set(path, content);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== content) changed.add(path);
  }
  for (const edit of patch.edits) {
    const path = join(packageDir, edit.file);
    const text = texts.get(path) ?? readFileSync(path, 'utf8');
    if (count(text, edit.replace) === 1) {
      texts.set(path, text);
      continue;
    }
    if (count(text, edit.find) !== 1)
      throw new PatchMismatchError(
        `${patch.name}: ${edit.file} does not contain the text this edit replaces exactly once:\n${edit.find}`,
      );
    texts.set(
      path,
      text.replace(edit.find, () => edit.replace),
    );
    changed.add(path);
  }
  return [...changed].map((path) => ({ path, text: texts.get(path) }));
}

async function main() {
  const names = readdirSync(patchesDir).filter((name) => name.endsWith('.mjs'));
  let pending = 0;
  for (const name of names.sort()) {
    const patch = (await import(pathToFileURL(join(patchesDir, name)).href)).default;
    const packageDir = join(root, 'node_modules', patch.packageName);
    if (!existsSync(packageDir))
      throw new PatchMismatchError(`${patch.name}: ${patch.packageName} is not installed`);
    const writes = plan(patch, packageDir);
    if (writes.length === 0) {
      console.log(`patches: ${patch.name} is applied`);
      continue;
    }
    if (args.check) {
      pending++;
      console.log(`patches: ${patch.name} is NOT applied (${writes.length} file(s) differ)`);
      continue;
    }
    // Every edit was checked before any file is written: a mismatch leaves the package as it was.
    for (const { path, text } of writes) {
      writeFileSync(`${path}.patching`, text);
      renameSync(`${path}.patching`, path);
    }
    console.log(`patches: applied ${patch.name} to ${patch.packageName}@${patch.version}`);
  }
  if (pending > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(`patches: ${error.message}`);
  process.exitCode = 1;
});
