// Whether dist/ (our TypeScript compiled by scripts/build-dist.mjs) was built from the
// sources as they are now. Shared by the build (skip when fresh) and bin/clawdbot.js (run
// dist only when fresh, else the sources through tsx), so an edited .ts file is never run
// stale. Plain JavaScript with no dependencies: it runs before anything is loaded.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** dist/ under the repo root, and the entry the build writes there. */
export function distPaths(root) {
  const dir = join(root, 'dist');
  return { dir, entry: join(dir, 'main.js'), stamp: join(dir, '.build-stamp.json') };
}

/**
 * The stamp lists every file of ours the build read, with its mtime at the moment it was
 * read: a file edited since, or deleted, makes dist stale. One stat per file (a few hundred,
 * ~2-4 ms) instead of hashing contents at every start. A new file counts once a listed file
 * imports it, since that file changed too.
 */
export function isDistFresh(root) {
  const { stamp } = distPaths(root);
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(stamp, 'utf8')).inputs;
  } catch {
    return false;
  }
  if (inputs === null || typeof inputs !== 'object') return false;
  for (const [file, mtimeMs] of Object.entries(inputs)) {
    let current;
    try {
      current = statSync(join(root, file)).mtimeMs;
    } catch {
      return false;
    }
    if (current !== mtimeMs) return false;
  }
  return true;
}
